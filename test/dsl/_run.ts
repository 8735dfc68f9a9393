import { compile } from '../../dsl/index.ts';
import { loadCases } from './conformance.ts';

const cases = loadCases(new URL('./conformance', import.meta.url).pathname);
let bad = 0;
for (const c of cases) {
  if (process.argv[2] && !c.origin.startsWith(process.argv[2])) continue;
  const r = compile(c.files, { entry: 'main.rules' });
  const got = r.diagnostics.map((d) => `${d.code} @${d.line}:${d.column}`);
  const want = c.ok ? [] : c.expect.map((e) => `${e.code} @${e.line}:${e.column}`);
  if (JSON.stringify(got) !== JSON.stringify(want) || (c.ok && !r.ir)) {
    bad++;
    console.log(
      `✗ ${c.origin}: ${c.title}\n   want ${want.join(', ')}\n   got  ${r.diagnostics.map((d) => `${d.code} @${d.line}:${d.column} ${d.message}`).join('\n        ')}`,
    );
  }
}
console.log(cases.length, 'cases', bad, 'failing');
