/**
 * `sbc rules push|list|diff|activate|rollback`: manage rule-set versions on a running SBC through
 * its admin API (docs/admin-api.md). Exit codes: 0 done, 1 refused (compile errors, unknown
 * version, SBC unreachable), 2 bad command line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Command } from 'commander';
import {
  AdminClient,
  type ApiAnswer,
  ClientError,
  type ClientOptions,
  errorMessage,
} from '../../admin/client.ts';
import { EXIT } from '../exit-codes.ts';

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: string;
  code: string;
  message: string;
  hint?: string;
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

export function register(program: Command): void {
  const rules = program.command('rules').description('manage rule-set versions on a running SBC');
  const withClient = (command: Command) =>
    command
      .option('--url <url>', 'admin API of the SBC (env SBC_URL; default http://127.0.0.1:8080)')
      .option('--token <token>', 'admin API token (env SBC_ADMIN_TOKEN)');

  withClient(rules.command('push').description('upload a rule file or a directory as a new version'))
    .argument('<path>', 'a .rules file, or a directory of them (with main.rules as entry)')
    .option('-m, --message <text>', 'what changed')
    .option('--entry <file>', 'entry file inside the directory when there is no main.rules')
    .action((path: string, options: ClientOptions & { message?: string; entry?: string }) =>
      run(async (client) => {
        const files = readRuleFiles(path);
        const answer = await client.request('POST', '/api/v1/rulesets/versions', {
          json: {
            files,
            ...(options.message ? { message: options.message } : {}),
            ...(options.entry ? { entry: options.entry } : {}),
          },
        });
        const body = answer.body as {
          version?: { version: number; hash: string };
          diagnostics?: Diagnostic[];
        };
        printDiagnostics(body.diagnostics ?? []);
        if (answer.status !== 201) return refuse(answer);
        out(`stored version ${body.version?.version} (${body.version?.hash})\n`);
        return EXIT.ok;
      }, options),
    );

  withClient(rules.command('list').description('list versions; * marks the active one')).action(
    (options: ClientOptions) =>
      run(async (client) => {
        const answer = await client.request('GET', '/api/v1/rulesets/versions');
        if (answer.status !== 200) return refuse(answer);
        const versions = answer.body as Array<{
          version: number;
          active: boolean;
          created_at: string;
          author: string;
          message: string;
        }>;
        for (const v of versions)
          out(
            `${v.active ? '*' : ' '} ${String(v.version).padStart(4)}  ${v.created_at}  ${v.author}  ${v.message}\n`,
          );
        return EXIT.ok;
      }, options),
  );

  withClient(rules.command('diff').description('unified diff between two versions'))
    .argument('<from>', 'version number')
    .argument('<to>', 'version number')
    .action((from: string, to: string, options: ClientOptions) =>
      run(async (client) => {
        const answer = await client.request('GET', `/api/v1/rulesets/diff?from=${enc(from)}&to=${enc(to)}`);
        if (answer.status !== 200) return refuse(answer);
        out((answer.body as { diff: string }).diff);
        return EXIT.ok;
      }, options),
    );

  withClient(rules.command('activate').description('activate a version'))
    .argument('<version>', 'version number')
    .action((version: string, options: ClientOptions) =>
      run(
        (client) => activation(client, '/api/v1/rulesets/activate', { version: toVersion(version) }),
        options,
      ),
    );

  withClient(rules.command('rollback').description('go back to the previous version, or to a named one'))
    .argument('[version]', 'version number (default: the one active before the current)')
    .action((version: string | undefined, options: ClientOptions) =>
      run(
        (client) =>
          activation(
            client,
            '/api/v1/rulesets/rollback',
            version === undefined ? {} : { version: toVersion(version) },
          ),
        options,
      ),
    );
}

async function activation(client: AdminClient, path: string, body: object): Promise<number> {
  const answer = await client.request('POST', path, { json: body });
  if (answer.status !== 200) return refuse(answer);
  const { activation: a, changed } = answer.body as {
    activation: { version: number; previous: number | null };
    changed: boolean;
  };
  out(
    changed
      ? `version ${a.version} active (was ${a.previous ?? 'none'})\n`
      : `version ${a.version} was already active\n`,
  );
  return EXIT.ok;
}

/** Runs a subcommand with a client, mapping every failure to a one-line message and an exit code. */
export async function run(
  work: (client: AdminClient) => Promise<number>,
  options: ClientOptions,
): Promise<void> {
  try {
    process.exitCode = await work(new AdminClient(options));
  } catch (error) {
    if (!(error instanceof ClientError || error instanceof UsageError)) throw error;
    err(`sbc: ${error.message}\n`);
    process.exitCode = error instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}

export class UsageError extends Error {}

export function refuse(answer: ApiAnswer): number {
  err(`sbc: ${errorMessage(answer)}\n`);
  return EXIT.failure;
}

function printDiagnostics(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    err(`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`);
    if (d.hint) err(`  hint: ${d.hint}\n`);
  }
}

function toVersion(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new UsageError(`'${text}' is not a version number`);
  return Number(text);
}

function enc(text: string): string {
  toVersion(text);
  return encodeURIComponent(text);
}

/** A file as `{name: text}`, or a directory's .rules and .test.yaml files by relative path. */
function readRuleFiles(path: string): Record<string, string> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`no such file or directory: ${path}`);
  }
  if (!isDir) return { [basename(path)]: readFileSync(path, 'utf8') };
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.rules') || entry.name.endsWith('.test.yaml'))
        files[relative(path, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(path);
  if (Object.keys(files).length === 0) throw new UsageError(`no .rules files in ${path}`);
  return files;
}
