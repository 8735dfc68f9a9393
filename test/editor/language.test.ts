/**
 * The editor's language features, computed from the compiler's own data (dsl/): completion at
 * typical cursor positions, hover docs, go to definition across files and through `let` scopes.
 * These are the pure parts of editor/src/language; monaco only displays their answers.
 */
import { describe, expect, it } from 'vitest';
import { complete } from '../../editor/src/language/completion.ts';
import { hover } from '../../editor/src/language/hover.ts';
import { findDefinition, indexFile } from '../../editor/src/language/symbols.ts';

const MAIN = `ruleset demo
import "trunks.rules"

table numbers = provisioning.numbers {
  zoom: bool
  header: string?
}

counter rejected

on request INVITE from zoom {
  let callee = e164(ruri.user, country: "US") else reject 484
  let entry = numbers[callee] else reject 404
  if not entry.zoom {
    count rejected
    reject 403
  }
  route core
}
`;
const TRUNKS = `trunk zoom {
  peers ["162.12.233.59:5061"]
  transport tls
  media { srtp: required }
}

trunk core {
  peers ["10.0.0.10:5060"]
}

group both {
  members [zoom, core]
}
`;

const indexes = [indexFile('main.rules', MAIN), indexFile('trunks.rules', TRUNKS)];

/** Completion with the cursor at the end of `prefix` (appended after the given line of MAIN). */
function at(text: string, file = 'main.rules') {
  const lines = text.split('\n');
  return complete({
    before: text,
    file,
    line: lines.length,
    column: lines[lines.length - 1]!.length + 1,
    indexes,
    headers: ['X-Zoom-Site'],
  }).map((i) => i.label);
}

const inHandler = (line: string) => `${MAIN.slice(0, MAIN.indexOf('  route core'))}  ${line}`;

describe('completion', () => {
  it('offers the members of a field after a dot, nested too', () => {
    expect(at(inHandler('set x = from.'))).toEqual(
      expect.arrayContaining(['user', 'host', 'display', 'uri']),
    );
    expect(at(inHandler('log from.uri.'))).toEqual(
      expect.arrayContaining(['user', 'host', 'port', 'scheme']),
    );
    expect(at(inHandler('log from.uri.'))).not.toContain('display');
  });

  it("offers a table's schema fields after its name", () => {
    expect(at(inHandler('log numbers.'))).toEqual(['zoom', 'header']);
  });

  it('offers header names inside header "…", from the common list and the samples', () => {
    const names = at(inHandler('set header "P-'));
    expect(names).toContain('P-Asserted-Identity');
    expect(names).toContain('X-Zoom-Site');
    expect(at(inHandler('log header["'))).toContain('X-MS-SBC');
  });

  it('offers trunks and groups after route, and trunks after from in a hook', () => {
    expect(at(inHandler('route '))).toEqual(['zoom', 'core', 'both']);
    expect(at(`${MAIN}\non request BYE from `)).toEqual(expect.arrayContaining(['zoom', 'core']));
    expect(at(`${MAIN}\non request `)).toEqual(expect.arrayContaining(['INVITE', 'OPTIONS', 'from']));
  });

  it('offers trunk properties inside a trunk block and enum values after a property', () => {
    const trunkBody = 'trunk t {\n  ';
    expect(at(trunkBody)).toEqual(expect.arrayContaining(['peers', 'transport', 'media', 'options']));
    expect(at(`${trunkBody}transport `)).toEqual(['udp', 'tcp', 'tls']);
    expect(at(`${trunkBody}media { srtp: `)).toEqual(['off', 'optional', 'required']);
    expect(at(`${trunkBody}media { codecs: [PCMU, `)).toContain('opus');
    expect(at(`${trunkBody}media { `)).toEqual(expect.arrayContaining(['codecs', 'ptime', 'dtmf']));
  });

  it('offers statement keywords, fields, functions, tables and lets in scope inside a handler', () => {
    const names = at(inHandler(''));
    expect(names).toEqual(
      expect.arrayContaining(['set', 'reject', 'ruri', 'from', 'e164', 'numbers', 'callee']),
    );
    expect(names).toEqual(expect.arrayContaining(['entry', 'zoom']));
    expect(at('')).toEqual(['ruleset', 'import', 'trunk', 'group', 'table', 'var', 'counter', 'on']);
    expect(at(inHandler('count '))).toEqual(['rejected']);
  });

  it('offers nothing inside an ordinary string or comment', () => {
    expect(at(inHandler('log "abc'))).toEqual([]);
  });
});

describe('hover', () => {
  const lineOf = (needle: string) => MAIN.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const hoverAt = (needle: string, word: string, file = 'main.rules', text = MAIN) => {
    const line = text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const lineText = text.split('\n')[line - 1]!;
    return hover({
      textBeforeLine:
        text
          .split('\n')
          .slice(0, line - 1)
          .join('\n') + '\n',
      lineText,
      file,
      line,
      column: lineText.indexOf(word) + 2,
      indexes,
    });
  };

  it('documents fields with their type and whether rules may write them', () => {
    const h = hoverAt('let callee', 'user');
    expect(h?.markdown).toContain('**ruri.user**: `string` (writable)');
    expect(h?.markdown).toContain('user part');
    expect(lineOf('let callee')).toBeGreaterThan(0);
  });

  it('documents built-in functions with their signature', () => {
    expect(hoverAt('let callee', 'e164')?.markdown).toContain(
      'e164(number: string, country: string) -> E164?',
    );
  });

  it('documents trunk properties and names where a declaration is', () => {
    expect(hoverAt('transport tls', 'transport', 'trunks.rules', TRUNKS)?.markdown).toContain(
      'udp, tcp or tls',
    );
    expect(hoverAt('route core', 'core')?.markdown).toBe('**trunk core** — declared at trunks.rules:7:7');
    expect(hoverAt('let entry', 'numbers')?.markdown).toContain('fields: zoom, header');
  });
});

describe('go to definition', () => {
  it('finds trunks, groups and counters in any file of the rule set', () => {
    expect(findDefinition(indexes, 'main.rules', 'core', { line: 18, column: 9 })).toMatchObject({
      kind: 'trunk',
      file: 'trunks.rules',
      line: 7,
      column: 7,
    });
    expect(findDefinition(indexes, 'main.rules', 'rejected', { line: 15, column: 11 })).toMatchObject({
      kind: 'counter',
      line: 9,
    });
  });

  it('finds a let only where it is visible: after it, in its block', () => {
    expect(findDefinition(indexes, 'main.rules', 'callee', { line: 13, column: 23 })).toMatchObject({
      kind: 'let',
      line: 12,
      column: 7,
    });
    expect(findDefinition(indexes, 'main.rules', 'callee', { line: 11, column: 3 })).toBeUndefined();
  });
});
