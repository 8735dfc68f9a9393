import { describe, expect, it } from 'vitest';
import { PLANS, toE164, toNational } from '../../dsl/index.ts';

/** The examples of docs/language.md §8. */
describe('toE164', () => {
  it.each([
    ['(408) 555-1212', 'US', '+14085551212'],
    ['14085551212', 'US', '+14085551212'],
    ['+1 408 555 1212', 'US', '+14085551212'],
    ['01144207946001', 'US', '+44207946001'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['0049301234567', 'GB', '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['612345678', 'ES', '+34612345678'],
  ])('%s in %s is %s', (input, country, expected) => {
    expect(toE164(input, country)).toBe(expected);
  });

  it.each([
    ['555-1212', 'US'],
    ['abc', 'US'],
    ['+0123', 'US'],
    ['+1234567890123456', 'US'],
    ['4085551212', 'XX'],
  ])('%s in %s is not a number', (input, country) => {
    expect(toE164(input, country)).toBeUndefined();
  });
});

describe('toNational', () => {
  it('formats numbers of the country with the national prefix', () => {
    expect(toNational('+442079460018', 'GB')).toBe('02079460018');
    expect(toNational('+14085551212', 'US')).toBe('14085551212');
  });
  it('formats other countries with the international prefix', () => {
    expect(toNational('+442079460018', 'US')).toBe('011442079460018');
  });
  it('refuses what is not E.164', () => {
    expect(toNational('4085551212', 'US')).toBeUndefined();
  });
  it('has plans for every country in the spec table', () => {
    expect(Object.keys(PLANS).length).toBe(22);
  });
});
