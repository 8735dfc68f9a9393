import { describe, expect, it } from 'vitest';
import { ruleLexer } from '../../dsl/lexer.ts';

/** docs/language.md §2: which text becomes which token. */
const kinds = (src: string) => ruleLexer.tokenize(src).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

describe('lexer', () => {
  it('tells keywords from names that contain them', () => {
    expect(kinds('from fromage headers header')).toEqual([
      'Kw_from:from',
      'Identifier:fromage',
      'Kw_headers:headers',
      'Kw_header:header',
    ]);
  });

  it('reads address, number and time literals', () => {
    expect(kinds('10.0.0.1 10.0.0.0/8 2001:db8::/32 fe80::1 +14085551212 20ms 5xx 18x 404')).toEqual([
      'Ipv4Literal:10.0.0.1',
      'CidrLiteral:10.0.0.0/8',
      'Ipv6Literal:2001:db8::/32',
      'Ipv6Literal:fe80::1',
      'E164Literal:+14085551212',
      'DurationLiteral:20ms',
      'StatusClassLiteral:5xx',
      'StatusClassLiteral:18x',
      'IntegerLiteral:404',
    ]);
  });

  it('keeps a record key and its value apart', () => {
    expect(kinds('{ srtp: off }')).toEqual([
      'LBrace:{',
      'Identifier:srtp',
      'Colon::',
      'Identifier:off',
      'RBrace:}',
    ]);
  });

  it('reads regexes, including a slash inside a class', () => {
    expect(kinds('/^a[/]b$/i')).toEqual(['CompleteRegex:/^a[/]b$/i']);
  });

  it('puts comments in their own group', () => {
    const r = ruleLexer.tokenize('ruleset a # note\n');
    expect(r.groups.comments?.map((t) => t.image)).toEqual(['# note']);
  });

  it('still tokenises a string missing its quote', () => {
    expect(kinds('"abc\nstop')).toEqual(['UnterminatedString:"abc', 'Kw_stop:stop']);
  });
});
