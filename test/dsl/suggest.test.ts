import { describe, expect, it } from 'vitest';
import { closest } from '../../dsl/suggest.ts';

describe('did-you-mean suggestions', () => {
  it('finds a misspelling, a swap of two letters, and a case difference', () => {
    expect(closest('usr', ['user', 'host', 'port'])).toBe('user');
    expect(closest('coer', ['core', 'zoom'])).toBe('core');
    expect(closest('invite', ['INVITE', 'BYE'])).toBe('INVITE');
  });
  it('suggests nothing for a word too different or too short', () => {
    expect(closest('zzzz', ['user', 'host'])).toBeUndefined();
    expect(closest('a', ['b', 'c'])).toBeUndefined();
  });
});
