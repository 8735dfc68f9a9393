/**
 * The preview pane: a sample from examples/messages or a pasted SIP message, run through the
 * rules being edited (not yet saved) by the admin API — the resulting message, its diff against
 * the input, the routing/media decisions and the rule-by-rule trace. A trace step or effect
 * jumps to its rule line.
 */
import { type Api, ApiError } from '../api/client.ts';
import type { HookName, PreviewResult, RuleLocation } from '../api/types.ts';
import type { FileWorkspace } from '../files/workspace.ts';
import { SAMPLES } from '../samples.ts';
import { clear, diffView, h } from '../ui/dom.ts';

/** Where each sample usually comes from, so trunk classification by source works out of the box. */
const SAMPLE_SOURCES: Record<string, string> = {
  'zoom-invite': '162.12.233.59:5061',
  'teams-invite': '52.114.148.0:5061',
};

export function previewPanel(
  api: Api,
  files: FileWorkspace,
  jump: (at: RuleLocation) => void,
): { el: HTMLElement; run: () => Promise<void> } {
  const sample = h(
    'select',
    { 'data-testid': 'preview-sample' },
    SAMPLES.map((s) => h('option', { value: s.name }, s.name)),
    h('option', { value: '' }, '(pasted message)'),
  );
  const message = h('textarea', {
    'data-testid': 'preview-message',
    spellcheck: 'false',
    rows: 10,
    placeholder: 'Paste a SIP message here',
  });
  const trunk = h('select', { 'data-testid': 'preview-trunk' });
  const source = h('input', { 'data-testid': 'preview-source', placeholder: 'source IP:port', size: 20 });
  const hook = h(
    'select',
    { 'data-testid': 'preview-hook' },
    h('option', { value: '' }, 'hook: from the message'),
    ...(['request-in', 'request-out', 'response', 'failure'] as const).map((n) =>
      h('option', { value: n }, n),
    ),
  );
  const output = h('div', { class: 'preview-output', 'data-testid': 'preview-output' });

  const pick = () => {
    const s = SAMPLES.find((x) => x.name === sample.value);
    if (s) message.value = s.text;
    source.value = SAMPLE_SOURCES[sample.value] ?? '';
  };
  sample.addEventListener('change', pick);
  message.addEventListener('input', () => {
    if (SAMPLES.find((x) => x.name === sample.value)?.text !== message.value) sample.value = '';
  });
  const refreshTrunks = () => {
    const current = trunk.value;
    const names = files
      .indexes()
      .flatMap((i) => i.decls)
      .filter((d) => d.kind === 'trunk')
      .map((d) => d.name);
    clear(
      trunk,
      h('option', { value: '' }, 'trunk: classify by source'),
      names.map((n) => h('option', { value: n }, `trunk ${n}`)),
    );
    trunk.value = names.includes(current) ? current : '';
  };
  trunk.addEventListener('focus', refreshTrunks);
  // Trunks come from the files being edited: keep the list current as they change.
  let pending: ReturnType<typeof setTimeout> | undefined;
  files.onChange(() => {
    clearTimeout(pending);
    pending = setTimeout(refreshTrunks, 300);
  });

  const run = async () => {
    clear(output, h('p', { class: 'muted' }, 'running…'));
    try {
      const result = await api.preview({
        files: files.files(),
        entry: files.entry,
        message: message.value,
        ...(trunk.value ? { trunk: trunk.value } : {}),
        ...(source.value.trim() ? { source: source.value.trim() } : {}),
        ...(hook.value ? { hook: hook.value as HookName } : {}),
      });
      clear(output, render(result, jump));
    } catch (e) {
      const err = e instanceof ApiError ? e : undefined;
      clear(
        output,
        h('p', { class: 'error', 'data-testid': 'preview-error' }, err ? err.message : String(e)),
        err?.diagnostics.length
          ? h(
              'ul',
              {},
              err.diagnostics.map((d) =>
                h(
                  'li',
                  { class: 'link', onclick: () => jump(d) },
                  `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`,
                ),
              ),
            )
          : null,
      );
    }
  };

  if (SAMPLES.some((s) => s.name === 'zoom-invite')) sample.value = 'zoom-invite';
  pick();
  refreshTrunks();
  const el = h(
    'section',
    { class: 'panel', 'data-testid': 'preview-panel' },
    h('div', { class: 'row' }, sample, trunk, source, hook),
    message,
    h(
      'div',
      { class: 'row' },
      h('button', { class: 'primary', 'data-testid': 'preview-run', onclick: run }, 'Run preview'),
    ),
    output,
  );
  return { el, run };
}

const where = (at: RuleLocation | undefined) => (at ? `${at.file}:${at.line}:${at.column}` : '');

function render(r: PreviewResult, jump: (at: RuleLocation) => void): HTMLElement[] {
  const d = r.decisions;
  const decisions: string[] = [];
  if (d.reject) decisions.push(`reject ${d.reject.code} ${d.reject.reason ?? ''}`);
  if (d.reply) decisions.push(`reply ${d.reply.code} ${d.reply.reason ?? ''}`);
  if (d.route) decisions.push(`route → ${d.route.targetKind} ${d.route.target}`);
  for (const m of d.media) decisions.push(`media ${m.leg} ${JSON.stringify(m.policy)}`);
  for (const [k, v] of Object.entries(d.vars)) decisions.push(`var ${k} = ${JSON.stringify(v)}`);
  for (const c of d.counters) decisions.push(`count ${c}`);
  for (const l of d.logs) decisions.push(`log ${l.level} ${l.message}`);
  for (const s of d.skipped) decisions.push(`skipped ${s.effect.kind}: ${s.reason}`);
  if (decisions.length === 0) decisions.push('no routing or media decision');
  const step = (at: RuleLocation | undefined, text: string, testid: string) =>
    h(
      'li',
      { class: at ? 'link' : '', 'data-testid': testid, onclick: () => at && jump(at) },
      h('span', { class: 'loc' }, where(at)),
      ' ',
      text,
    );
  return [
    h(
      'p',
      { 'data-testid': 'preview-summary' },
      `hook ${r.hook} · trunk ${r.trunk || '(none)'} · `,
      r.handler
        ? `handler ${r.handler.id} at ${where(r.handler.at)}`
        : 'no handler matched: message unchanged',
    ),
    ...r.notes.map((n) => h('p', { class: 'muted' }, `note: ${n}`)),
    r.error
      ? h(
          'p',
          { class: 'error' },
          `rule ${r.error.kind} at ${where(r.error.at)}: ${r.error.message} — fallback applied`,
        )
      : null,
    h('h3', {}, 'Decisions'),
    h(
      'ul',
      { 'data-testid': 'preview-decisions' },
      decisions.map((t) => h('li', {}, t)),
    ),
    h('h3', {}, 'Trace'),
    h(
      'ol',
      { class: 'trace', 'data-testid': 'preview-trace' },
      r.trace.map((t) => step(t.at, t.label, 'trace-step')),
    ),
    h('h3', {}, 'Effects'),
    h(
      'ol',
      { class: 'trace' },
      r.effects.map((e) => step(e.at, describe(e), 'effect-step')),
    ),
    h('h3', {}, 'Diff against the input'),
    r.diff === ''
      ? h('p', { class: 'muted', 'data-testid': 'preview-diff' }, '(message unchanged)')
      : diffView(r.diff, 'preview-diff'),
    h('h3', {}, 'Resulting message'),
    h(
      'pre',
      { class: 'message', 'data-testid': 'preview-result' },
      r.output.kind === 'response'
        ? [r.output.statusLine, ...r.output.headers.map(([n, v]) => `${n}: ${v}`)].join('\n')
        : r.output.text.replace(/\r\n/g, '\n'),
    ),
    h('h3', {}, 'Handlers'),
    h(
      'ul',
      {},
      r.handlers.map((x) => step(x.at, `${x.id} on ${x.hook}: ${x.result}`, 'handler-step')),
    ),
  ].filter((x): x is HTMLElement => x !== null);
}

function describe(e: PreviewResult['effects'][number]): string {
  const rest = Object.entries(e)
    .filter(([k]) => k !== 'kind' && k !== 'at')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${e.kind} ${rest}`;
}
