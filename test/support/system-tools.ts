/**
 * Tests use real peers (sipp, rtpengine, chromium). When one is missing the
 * test fails, naming the one command that installs it; it never skips.
 */
import { execFileSync } from 'node:child_process';

export const SETUP_COMMAND = 'npm run setup:system  (scripts/setup-system.sh, as root)';

/** The absolute path of a system tool, or an Error that says how to install it. */
export function requireTool(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v "$1"`, 'sh', name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`'${name}' is not installed; install the test tools with: ${SETUP_COMMAND}`);
  }
}
