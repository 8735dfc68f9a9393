/**
 * The linear-time regex engine against JavaScript's own RegExp (with the `u` flag, as the front end
 * checks patterns): same match/no-match, same captures, same replacements, on a table of patterns
 * and inputs plus seeded random inputs.
 */
import { describe, expect, it } from 'vitest';
import { compileRegex, MAX_PROGRAM, prelude, RegexCompileError } from '../../../dsl/codegen/index.ts';
import { PLANS } from '../../../dsl/e164.ts';

const rt = prelude(PLANS);

const PATTERNS: [string, string][] = [
  ['^\\+1[2-9][0-9]{9}$', ''],
  ['^X-Zoom-', ''],
  ['^x-zoom-', 'i'],
  ['sip:\\+1', ''],
  ['^00', ''],
  [';ext=([0-9]+)', ''],
  ['([0-9]+)', ''],
  ['^(\\d{3})(\\d{3})(\\d{4})$', ''],
  ['a|ab|abc', ''],
  ['(a|ab)(c|bcd)(d*)', ''],
  ['a*?b', ''],
  ['a+?', ''],
  ['(?:ab)+', ''],
  ['\\bfoo\\b', ''],
  ['\\Bo', ''],
  ['[^a-c]+', ''],
  ['[\\d.-]+', ''],
  ['.+@', ''],
  ['^$', ''],
  ['x{2,3}', ''],
  ['x{2,}', ''],
  ['(?<user>[^@]+)@(?<host>.+)', ''],
  ['\\s*,\\s*', ''],
  ['[A-Z]', 'i'],
  ['\\u{1F600}', ''],
  ['\\x41\\u0042', ''],
  ['(a*)*b', ''],
  ['(a?){3}a{3}', ''],
  ['^(X)-Zo', ''],
  ['^\\u{1F600} ', ''],
  ['^ab\\b', ''],
  ['^a$', ''],
];

const INPUTS = [
  '',
  '+14085551212',
  '0014085551212',
  '4085551212',
  'X-Zoom-Trace',
  'x-zoom-site',
  'sip:+14085551212@a;ext=123',
  'abcd',
  'abcbcd',
  'aaab',
  'foo bar foobar',
  'user@host.example.com',
  'a , b,c',
  'xxxx',
  'Ünïcode 😀 text',
  'AB',
  'aaa',
];

function jsExec(source: string, flags: string, s: string): (number | undefined)[] | null {
  const re = new RegExp(source, `${flags}du`);
  const m = re.exec(s);
  if (!m?.indices) return null;
  return m.indices.flatMap((p) => (p ? [p[0], p[1]] : [undefined, undefined]));
}

function vmExec(source: string, flags: string, s: string): (number | undefined)[] | null {
  const m = rt.rxExec(compileRegex({ source, flags }), s, 0);
  return m ? m.map((x) => (x < 0 ? undefined : x)) : null;
}

describe('linear-time regex engine', () => {
  it('matches like RegExp on the pattern table', () => {
    for (const [source, flags] of PATTERNS)
      for (const s of INPUTS)
        expect([source, s, vmExec(source, flags, s)]).toEqual([source, s, jsExec(source, flags, s)]);
  });

  it('tests (no captures) like RegExp.test on the pattern table', () => {
    for (const [source, flags] of PATTERNS) {
      const rx = compileRegex({ source, flags });
      for (const s of INPUTS)
        expect([source, s, rt.rxTest(rx, s)]).toEqual([source, s, new RegExp(source, `${flags}u`).test(s)]);
    }
  });

  it('tests a range of a text as the sliced text (header names where they stand)', () => {
    for (const [source, flags] of PATTERNS) {
      const rx = compileRegex({ source, flags });
      for (const s of INPUTS)
        for (let from = 0; from <= s.length; from += 2)
          for (const to of [from, from + 1, s.length - 1, s.length])
            if (to >= from && to <= s.length)
              expect([source, s, from, to, rt.rxTest(rx, s, from, to)]).toEqual([
                source,
                s,
                from,
                to,
                rt.rxTest(rx, s.slice(from, to)),
              ]);
    }
  });

  it('matches like RegExp on seeded random inputs', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = 'abcx+019@.-;= ';
    for (let n = 0; n < 400; n++) {
      const s = Array.from(
        { length: Math.floor(rand() * 16) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join('');
      const [source, flags] = PATTERNS[n % PATTERNS.length]!;
      expect([source, s, vmExec(source, flags, s)]).toEqual([source, s, jsExec(source, flags, s)]);
      expect(rt.rxTest(compileRegex({ source, flags }), s)).toBe(new RegExp(source, `${flags}u`).test(s));
    }
  });

  it('replaces every match with $1…$9 and $$ like String.replace', () => {
    const cases: [string, string, string][] = [
      ['^00', '00441234', '+'],
      ['sip:\\+1', 'a sip:+1 b sip:+1', 'sip:1'],
      ['(\\d)(\\d)', '1234', '$2$1'],
      ['x*', 'abc', '-'],
      ['(a)|(b)', 'ab', '[$1|$2]'],
      ['\\d', 'a1', '$$'],
    ];
    for (const [source, s, rep] of cases)
      expect(rt.rxReplace(compileRegex({ source, flags: '' }), s, rep)).toBe(
        s.replace(new RegExp(source, 'gu'), rep),
      );
  });

  it('records the literal start of anchored patterns for a quick reject', () => {
    expect(compileRegex({ source: '^X-Zoom-', flags: '' }).prefix).toBe('X-Zoom-');
    expect(compileRegex({ source: '^\\+1[2-9]', flags: '' }).prefix).toBe('+1');
    expect(compileRegex({ source: '^x-zoom-', flags: 'i' }).prefix).toBeUndefined();
    expect(compileRegex({ source: 'X-Zoom-', flags: '' }).prefix).toBeUndefined();
    expect(compileRegex({ source: '^(ab|ac)', flags: '' }).prefix).toBeUndefined();
    // A pattern that is only its prefix is tested by the prefix alone.
    expect(compileRegex({ source: '^X-Zoom-', flags: '' }).prefixOnly).toBe(true);
    expect(compileRegex({ source: '^(X)-Zo', flags: '' }).prefixOnly).toBe(true);
    expect(compileRegex({ source: '^X-Zoom-$', flags: '' }).prefixOnly).toBeUndefined();
    expect(compileRegex({ source: '^\\+1[2-9]', flags: '' }).prefixOnly).toBeUndefined();
  });

  it('captures a group or gives undefined', () => {
    const rx = compileRegex({ source: ';ext=([0-9]+)', flags: '' });
    expect(rt.rxCapture(rx, 'sip:+1;ext=42', 1)).toBe('42');
    expect(rt.rxCapture(rx, 'sip:+1', 1)).toBeUndefined();
    expect(rt.rxCapture(rx, 'sip:+1;ext=42', 5)).toBeUndefined();
  });

  it('runs patterns that are exponential for backtracking engines in linear time', () => {
    const evil = ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(x+x+)+y', '^(\\w+\\s?)*$'];
    const s = `${'a'.repeat(50_000)}!`;
    for (const source of evil) {
      const t0 = performance.now();
      rt.rxTest(compileRegex({ source, flags: '' }), s);
      expect(performance.now() - t0).toBeLessThan(1500);
    }
  });

  it('refuses what is outside the subset or too large', () => {
    expect(() => compileRegex({ source: '(a)\\1', flags: '' })).toThrow(RegexCompileError);
    expect(() => compileRegex({ source: '(?=a)', flags: '' })).toThrow(RegexCompileError);
    expect(() => compileRegex({ source: '\\p{L}', flags: '' })).toThrow(/unsupported escape/);
    expect(() => compileRegex({ source: 'a', flags: 'g' })).toThrow(/flag/);
    expect(() => compileRegex({ source: '((a{100}){100}){100}', flags: '' })).toThrow(
      new RegExp(`${MAX_PROGRAM}`),
    );
    expect(() => compileRegex({ source: 'a{3,1}', flags: '' })).toThrow(/out of order/);
  });
});
