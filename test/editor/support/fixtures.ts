import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SBC = resolve(import.meta.dirname, '../../../bin/sbc');

/** Rule files with known mistakes, shared by the checker test and the browser test. */
export const BROKEN_FILES: Record<string, string> = {
  'main.rules': `ruleset broken
import "trunks.rules"

counter unused_counter

on request INVITE from zoom {
  set ruri.user = header["X-Called"]
  log from.usr
  route cor
}

on request BYE {
  reject 200 "not a failure"
  log "never"
}
`,
  'trunks.rules': `trunk zoom {
  peers ["162.12.233.59:5061"]
  transport tsl
}

trunk core {
  peers ["10.0.0.10:5060"]
}
`,
  'standalone.rules': `ruleset alone
on request OPTIONS {
  set header "Via" = "x"
  reply 200
}
`,
};

/** `sbc check --json .` run in a directory holding `files`. */
export function cliCheck(files: Record<string, string>): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-check-'));
  try {
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    let out: string;
    try {
      out = execFileSync(SBC, ['check', '--json', '.'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    return JSON.parse(out) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
