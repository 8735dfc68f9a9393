import { describe, expect, it } from 'vitest';
import { compile, STAGES, Workspace } from '../../dsl/index.ts';
import { loadCases } from './conformance.ts';

const MAIN =
  'import "trunks.rules"\non request INVITE from zoom {\n  set header "X-A" = "1"\n  route core\n}\n';
const TRUNKS =
  'trunk zoom { peers ["162.12.233.59:5061"] transport tls }\ntrunk core { peers ["10.0.0.1"] }\n';

describe('compile', () => {
  it('names its stages in order', () => {
    expect(STAGES).toEqual(['parse', 'resolve-imports', 'resolve-names', 'typecheck', 'lint', 'lower']);
  });

  it('accepts a map of files and an injected reader alike', () => {
    const files = { 'main.rules': MAIN, 'trunks.rules': TRUNKS };
    const a = compile(files);
    const b = compile({ entry: 'main.rules', reader: { read: (p) => files[p as keyof typeof files] } });
    expect(a.ir).toBeDefined();
    expect(b.ir).toEqual(a.ir);
    expect(a.files).toEqual(['trunks.rules', 'main.rules']);
  });

  it('produces a JSON-serialisable, deterministic IR', () => {
    const files = new Map([
      ['main.rules', MAIN],
      ['trunks.rules', TRUNKS],
    ]);
    const ir = compile(files).ir!;
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
    expect(JSON.stringify(compile(files).ir)).toBe(JSON.stringify(ir));
  });

  it('reports a missing entry file', () => {
    const r = compile({ entry: 'none.rules', reader: { read: () => undefined } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E200']);
  });

  it('gives no IR when there are errors, and an IR when there are only warnings', () => {
    expect(compile({ 'm.rules': 'on request INVITE { route nowhere }' }).ir).toBeUndefined();
    const warn = compile({ 'm.rules': 'on request INVITE { stop stop }' });
    expect(warn.diagnostics.map((d) => d.code)).toEqual(['W500']);
    expect(warn.ir).toBeDefined();
  });
});

describe('Workspace (the editor path)', () => {
  it('re-parses only the edited file and reflects the edit', () => {
    const files = new Map([
      ['main.rules', MAIN],
      ['trunks.rules', TRUNKS],
    ]);
    const ws = new Workspace({ read: (p) => files.get(p) });
    expect(ws.check('main.rules').diagnostics).toEqual([]);
    expect(ws.parses).toBe(2);
    files.set('main.rules', MAIN.replace('route core', 'route cor'));
    const r = ws.check('main.rules');
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual(['E303@4:9']);
    expect(ws.parses).toBe(3);
    ws.check('main.rules');
    expect(ws.parses).toBe(3);
  });
});

describe('the IR of every valid conformance program', () => {
  const valid = loadCases(new URL('./conformance', import.meta.url).pathname).filter((c) => c.ok);
  const walk = (v: unknown, visit: (node: Record<string, unknown>) => void): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, visit);
    else if (v !== null && typeof v === 'object') {
      visit(v as Record<string, unknown>);
      for (const x of Object.values(v)) walk(x, visit);
    }
  };
  it.each(valid.map((c) => [c.title, c] as const))(
    '%s: every expression is typed and has a span',
    (_t, c) => {
      const ir = compile(c.files, { entry: 'main.rules' }).ir!;
      walk(ir.handlers, (node) => {
        if (typeof node.op !== 'string') return;
        expect(node.span, JSON.stringify(node).slice(0, 80)).toBeDefined();
        if ('type' in node) expect(node.type).not.toBe('<error>');
      });
    },
  );
});
