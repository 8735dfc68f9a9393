/**
 * Names that are also properties of every JavaScript object must be ordinary
 * names to the compiler: a rule author may well call a variable `constructor`
 * or a trunk `toString`. Each is tried in every position a name can take;
 * the compiler must answer with diagnostics (or none), never throw.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../dsl/index.ts';

const NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
];

const TEMPLATES: Array<(n: string) => string> = [
  (n) => `var ${n}: string = ""\non request INVITE {\n  set ${n} = "x"\n  log ${n}\n}\n`,
  (n) => `on request INVITE {\n  let ${n} = "z"\n  log ${n}\n}\n`,
  (n) => `trunk ${n} {\n  peers ["127.0.0.1:5080"]\n}\non request INVITE {\n  route ${n}\n}\n`,
  (n) =>
    `trunk t {\n  peers ["127.0.0.1:5080"]\n}\ngroup ${n} {\n  members [t]\n}\non request INVITE {\n  route ${n}\n}\n`,
  (n) => `counter ${n}\non request INVITE {\n  count ${n}\n}\n`,
  (n) => `table ${n} {\n  "a": "b"\n}\non request INVITE {\n  log ${n}["a"] ?? ""\n}\n`,
  (n) => `table t {\n  "${n}": "b"\n}\non request INVITE {\n  log t["${n}"] ?? ""\n}\n`,
  (n) => `on request INVITE {\n  log from.${n}\n}\n`,
  (n) => `on request INVITE {\n  log ruri.${n}\n}\n`,
  (n) => `on request INVITE {\n  log ${n}\n}\n`,
  (n) => `on request INVITE {\n  log ${n}("a")\n}\n`,
  (n) => `on request INVITE {\n  set ${n}.user = "a"\n}\n`,
  (n) => `on request ${n} {\n  stop\n}\n`,
  (n) => `trunk t {\n  peers ["127.0.0.1:5080"]\n  ${n} 1\n}\n`,
  (n) => `trunk t {\n  peers ["127.0.0.1:5080"]\n  media { ${n}: 1 }\n}\n`,
  (n) => `trunk t {\n  peers ["127.0.0.1:5080"]\n  media { srtp: ${n} }\n}\n`,
  (n) => `on request INVITE {\n  media outbound { codecs: [${n}] }\n}\n`,
  (n) => `on request INVITE {\n  log e164(ruri.user, country: "${n}")\n}\n`,
  (n) => `on request INVITE {\n  log e164(ruri.user, ${n}: "US")\n}\n`,
  (n) => `table t = provisioning.${n}\n`,
  (n) => `table t = provisioning.numbers {\n  ${n}: bool\n}\n`,
  (n) => `table t = provisioning.numbers {\n  zoom: ${n}\n}\n`,
  (n) => `var v: ${n} = ""\n`,
  (n) => `on request INVITE {\n  let r = { ${n}: 1 }\n}\n`,
  (n) => `on request INVITE {\n  log header["${n}"] ?? ""\n  remove header "${n}"\n}\n`,
  (n) => `import "${n}"\n`,
  (n) => `ruleset ${n}\n`,
];

describe('names that are Object.prototype properties', () => {
  for (const [index, template] of TEMPLATES.entries()) {
    it(`template ${index + 1}: every such name compiles without throwing`, () => {
      for (const name of NAMES) {
        const source = template(name);
        let result: ReturnType<typeof compile> | undefined;
        expect(() => {
          result = compile({ 'main.rules': source });
        }, source).not.toThrow();
        for (const d of result?.diagnostics ?? []) {
          expect(d.line, source).toBeGreaterThanOrEqual(1);
          expect(typeof d.message).toBe('string');
        }
      }
    });
  }
});

describe('regexes the runtime engine cannot run', () => {
  it('are E006 at compile time, not a failure at load time', () => {
    const result = compile({
      'main.rules': 'on request INVITE {\n  if from.user matches /\\p{L}+/ { reject 403 }\n}\n',
    });
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['E006', 2]]);
  });
});
