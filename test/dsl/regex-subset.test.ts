import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../dsl/regex-subset.ts';

/** docs/language.md §4.5: the linear-time subset. */
describe('checkRegex', () => {
  it.each(['^\\+1[2-9][0-9]{9}$', '(?:ab|cd)+', '[/\\]]', '^sip:(.*)@', '\\d{1,1000}', 'a(?<name>b)c'])(
    'accepts %s',
    (src) => {
      expect(checkRegex(src, '')).toBeUndefined();
    },
  );

  it.each([
    ['(a)\\1', 'E006'],
    ['(?<n>a)\\k<n>', 'E006'],
    ['(?=a)', 'E006'],
    ['(?!a)', 'E006'],
    ['(?<=a)b', 'E006'],
    ['(?<!a)b', 'E006'],
    ['a{1001}', 'E006'],
    ['a{1,2000}', 'E006'],
    ['(', 'E005'],
    ['[a-', 'E005'],
    ['a'.repeat(1001), 'E005'],
  ])('rejects %s with %s', (src, code) => {
    expect(checkRegex(src, '')?.code).toBe(code);
  });

  it('allows escapes inside a class', () => {
    expect(checkRegex('[\\d\\-/]+', '')).toBeUndefined();
  });

  it('accepts the i flag only', () => {
    expect(checkRegex('a', 'i')).toBeUndefined();
    expect(checkRegex('a', 'g')?.code).toBe('E005');
  });
});
