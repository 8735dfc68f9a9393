import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RuleLocation } from '../../../dsl/effects.ts';
import {
  HOOK_NAMES,
  type HookName,
  MessageFileError,
  type PreviewResult,
  previewMessage,
  SnapshotError,
} from '../../core/effects/index.ts';
import {
  fileReader,
  loadRuleSetFromDisk,
  loadTables,
  RuleSetPathError,
  RuleSetRuntime,
} from '../../runtime/index.ts';
import { EXIT } from '../exit-codes.ts';
import { renderDiagnostic } from './check.ts';
import { type Io, processIo } from './rule-files.ts';

/**
 * `sbc preview RULESET --message FILE [--trunk NAME] [--source IP:PORT] [--hook NAME] [--json]`:
 * run a rule set on a SIP message file exactly as a live call would, and show the resulting
 * message, a diff, the decisions and the trace (docs/runtime.md "Preview").
 */
export interface PreviewCliOptions {
  message: string;
  trunk?: string;
  source?: string;
  hook?: string;
  tables?: string;
  failure?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('preview')
    .description('run a rule set on a SIP message file and show what it does')
    .argument('<ruleset>', 'entry .rules file, or a directory with main.rules')
    .requiredOption('-m, --message <file>', 'SIP message file (see examples/messages/)')
    .option('--trunk <name>', 'trunk the message comes from (or goes to, for --hook request-out)')
    .option('--source <ip:port>', 'address the message comes from (classifies the trunk)')
    .option('--hook <name>', `hook to run: ${HOOK_NAMES.join(', ')} (default from the message)`)
    .option('--tables <file>', 'provisioning data, YAML or JSON: { table: { key: row } }')
    .option('--failure <status>', "status of the failed attempt for --hook failure ('timeout' for no answer)")
    .option('--json', 'print everything as one JSON object')
    .action((ruleset: string, opts: PreviewCliOptions) => {
      process.exitCode = runPreview(ruleset, opts, processIo);
    });
}

export function parseSource(text: string): { ip: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[2] === undefined ? 5060 : Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { ip: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export function parseFailure(text: string): { status: number; reason: string; timeout: boolean } | undefined {
  if (text === 'timeout') return { status: 408, reason: 'Request Timeout', timeout: true };
  const status = Number(text);
  return Number.isInteger(status) && status >= 300 && status <= 699
    ? { status, reason: '', timeout: false }
    : undefined;
}

export function runPreview(ruleset: string, opts: PreviewCliOptions, io: Io): number {
  if (opts.hook !== undefined && !(HOOK_NAMES as readonly string[]).includes(opts.hook)) {
    io.err(`sbc preview: --hook must be one of ${HOOK_NAMES.join(', ')}\n`);
    return EXIT.usage;
  }
  const source = opts.source === undefined ? undefined : parseSource(opts.source);
  if (opts.source !== undefined && source === undefined) {
    io.err(`sbc preview: --source must be IP:PORT (e.g. 162.12.233.59:5061), got '${opts.source}'\n`);
    return EXIT.usage;
  }
  const failure = opts.failure === undefined ? undefined : parseFailure(opts.failure);
  if (opts.failure !== undefined && failure === undefined) {
    io.err(`sbc preview: --failure must be a status from 300 to 699 or 'timeout', got '${opts.failure}'\n`);
    return EXIT.usage;
  }
  let content: string;
  try {
    content = readFileSync(opts.message, 'utf8');
  } catch {
    io.err(`sbc preview: cannot read message file ${opts.message}\n`);
    return EXIT.usage;
  }
  let loaded: ReturnType<typeof loadRuleSetFromDisk>;
  try {
    loaded = loadRuleSetFromDisk(ruleset);
  } catch (e) {
    if (!(e instanceof RuleSetPathError)) throw e;
    io.err(`sbc preview: ${e.message}\n`);
    return EXIT.usage;
  }
  if (!loaded.ok) {
    const cache = new Map<string, string[]>();
    for (const d of loaded.diagnostics) io.err(renderDiagnostic(d, cache));
    return EXIT.failure;
  }
  let tables: ReturnType<typeof loadTables> | undefined;
  try {
    tables = opts.tables === undefined ? undefined : loadTables(opts.tables);
  } catch (e) {
    io.err(`sbc preview: ${opts.tables}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  const errors: string[] = [];
  const runtime = new RuleSetRuntime(loaded.rules, {
    routeTargets: loaded.routeTargets,
    ...(tables ? { tables } : {}),
    log: { error: (_o, msg) => errors.push(msg) },
  });
  try {
    const result = previewMessage(runtime, content, {
      ...(opts.hook ? { hook: opts.hook as HookName } : {}),
      ...(opts.trunk ? { trunk: opts.trunk } : {}),
      ...(source ? { source } : {}),
      ...(failure ? { failure } : {}),
    });
    io.out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderPreview(result));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof MessageFileError) {
      io.err(`sbc preview: ${opts.message}:${e.line}: ${e.message.replace(/^line \d+: /, '')}\n`);
      return EXIT.failure;
    }
    if (e instanceof SnapshotError) {
      io.err(`sbc preview: ${opts.message}: ${e.message}\n`);
      return EXIT.failure;
    }
    throw e;
  } finally {
    runtime.close();
  }
}

const where = (at: RuleLocation | undefined) => (at ? `${at.file}:${at.line}:${at.column}` : '-');

/** The rule's own text at a location (trimmed, cut at 60 characters), so a trace reads like the rules. */
function sourceLines(): (at: RuleLocation) => string {
  const files = new Map<string, string[]>();
  return (at) => {
    let lines = files.get(at.file);
    if (lines === undefined) {
      lines = (fileReader.read(at.file) ?? '').split(/\r?\n/);
      files.set(at.file, lines);
    }
    const text = (lines[at.line - 1] ?? '').trim();
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
}

export function renderPreview(r: PreviewResult): string {
  let out = `ruleset ${r.ruleset}  hook ${r.hook}  trunk ${r.trunk || '(none)'}\n`;
  out += r.handler
    ? `handler ${r.handler.id} at ${where(r.handler.at)}\n`
    : 'no handler matched: the message passes unchanged\n';
  for (const n of r.notes) out += `note: ${n}\n`;
  if (r.error)
    out += `\nRULE ERROR (${r.error.kind}) at ${where(r.error.at)}: ${r.error.message}\nfallback applied\n`;
  out += '\n== Handlers\n';
  for (const h of r.handlers) {
    const mark =
      h.result === 'ran'
        ? 'ran'
        : h.result === 'shadowed'
          ? 'matches, but an earlier handler ran'
          : `no: ${h.result}`;
    out += `  ${where(h.at)}  ${h.id} on ${h.hook}: ${mark}\n`;
  }
  out += '\n== Trace\n';
  const source = sourceLines();
  for (const t of r.trace) out += `  ${where(t.at)}  ${t.label.padEnd(24)}  ${source(t.at)}\n`;
  out += '\n== Effects\n';
  for (const e of r.effects) out += `  ${where(e.at)}  ${describeEffect(e)}\n`;
  if (r.effects.length === 0) out += '  (none)\n';
  out += '\n== Decisions\n';
  const d = r.decisions;
  if (d.reject) out += `  reject ${d.reject.code} ${d.reject.reason ?? ''}\n`;
  if (d.reply) out += `  reply ${d.reply.code} ${d.reply.reason ?? ''}\n`;
  if (d.route)
    out += `  route ${d.route.targetKind} ${d.route.target}${d.route.failover ? ` failover ${JSON.stringify(d.route.failover)}` : ''}\n`;
  for (const m of d.media) out += `  media ${m.leg} ${JSON.stringify(m.policy)}\n`;
  for (const [k, v] of Object.entries(d.vars)) out += `  var ${k} = ${JSON.stringify(v)}\n`;
  for (const c of d.counters) out += `  count ${c}\n`;
  for (const l of d.logs) out += `  log ${l.level} ${JSON.stringify(l.message)}\n`;
  for (const s of d.skipped) out += `  skipped ${s.effect.kind} at ${where(s.effect.at)}: ${s.reason}\n`;
  if (!d.reject && !d.reply && !d.route && d.media.length === 0) out += '  (no routing or media decision)\n';
  out += '\n== Diff\n';
  out += r.diff === '' ? '  (message unchanged)\n' : r.diff;
  out += '\n== Result\n';
  if (r.output.kind === 'response') {
    out += `${r.output.statusLine}\n`;
    for (const [n, v] of r.output.headers) out += `${n}: ${v}\n`;
  } else out += r.output.text.replace(/\r\n/g, '\n');
  return out;
}

function describeEffect(e: PreviewResult['effects'][number]): string {
  switch (e.kind) {
    case 'header.set':
    case 'header.add':
    case 'header.default':
      return `${e.kind} ${e.name}${'param' in e && e.param ? ` param ${e.param}` : ''} = ${JSON.stringify(e.value)}`;
    case 'header.remove':
      return `header.remove ${e.name}${e.param ? ` param ${e.param}` : ''}`;
    case 'header.replace':
      return `header.replace ${e.name} = ${JSON.stringify(e.values)}`;
    case 'field.set':
      return `set ${e.field.join('.')} = ${JSON.stringify(e.value)}`;
    case 'field.remove':
      return `remove ${e.field.join('.')}`;
    case 'reject':
    case 'reply':
      return `${e.kind} ${e.code}${e.reason ? ` ${JSON.stringify(e.reason)}` : ''}`;
    case 'route':
      return `route ${e.target}`;
    case 'media':
      return `media ${e.leg} ${JSON.stringify(e.policy)}`;
    case 'var.set':
      return `var ${e.name} = ${JSON.stringify(e.value)}`;
    case 'log':
      return `log ${e.level} ${JSON.stringify(e.message)}`;
    case 'count':
      return `count ${e.counter}`;
  }
}
