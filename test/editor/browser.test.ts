/**
 * The editor in real Chromium against a real `sbc run` and real SIP (sipp): sign in (a viewer
 * cannot deploy), type a rule with an error and see the marker at its line, fix it, preview the
 * Zoom INVITE and see the expected diff, jump from a trace step to its rule line, push and
 * activate, place a call through the SBC that shows the new behaviour (and is counted against the
 * new version while it lasts), roll back and see the old behaviour again. The worker's
 * diagnostics are compared with `sbc check` on the same files. Screenshots of the main screens
 * go to test-artifacts/editor/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SippResult, startSipp, stopAll } from '../edge/support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { BROKEN_FILES, cliCheck } from './support/fixtures.ts';
import { ADMIN_TOKEN, type RunningSbc, requireEditorBuild, startSbc } from './support/sbc.ts';

let sbc: RunningSbc;
let browser: Browser;
let page: Page;
let uasPort: number;
let rules: string;
const foreignRequests: string[] = [];

interface Model {
  getValue(): string;
  setValue(text: string): void;
}

beforeAll(async () => {
  requireEditorBuild();
  sbc = await startSbc();
  uasPort = await freePort();
  const deadPort = await freePort();
  rules = `ruleset e2e

# Everything on loopback that is not one of the peers below.
trunk callers {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}

trunk peer {
  peers ["127.0.0.1:${uasPort}"]
}

# Nothing listens here: its OPTIONS keepalive shows a peer going down.
trunk dead {
  peers ["127.0.0.1:${deadPort}"]
  options { interval: 1s, timeout: 1s, down_after: 1, up_after: 1 }
}

on request INVITE from callers {
  route peer
}
`;
  const pushed = await sbc.api<{ version: { version: number } }>('POST', '/api/v1/rulesets/versions', {
    files: { 'main.rules': rules },
    message: 'loopback test rules',
  });
  expect(pushed.status).toBe(201);
  expect((await sbc.api('POST', '/api/v1/rulesets/activate', { version: 2 })).status).toBe(200);
  browser = await openBrowser();
  page = browser.page;
  // Everything must come from the SBC itself (no CDN): record any request elsewhere.
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${sbc.url}/`) && !/^(data|blob):/.test(url)) foreignRequests.push(url);
  });
}, 60_000);

afterAll(async () => {
  await stopAll();
  await browser?.close();
  await sbc?.stop();
});

const sbcState = <T>(expr: string) => page.evaluate(`(${expr})(window.__sbc)`) as Promise<T>;

async function signIn(token: string): Promise<void> {
  await page.goto(`${sbc.url}/`);
  await page.fill('[data-testid=token]', token);
  await page.click('[data-testid=signin]');
  await page.waitForSelector('.monaco-editor .view-lines');
  await page.waitForFunction(
    () => (globalThis as unknown as { __sbc?: { checkState(): { seq: number } } }).__sbc?.checkState().seq,
  );
}

/** One call from a sipp UAC through the SBC to a sipp UAS; what the UAS received. */
async function call(holdMs = 100): Promise<{ uac: SippResult; received: string }> {
  const uas = startSipp([
    '-sn',
    'uas',
    '-i',
    '127.0.0.1',
    '-p',
    String(uasPort),
    '-m',
    '1',
    '-timeout',
    '30s',
    '-trace_msg',
  ]);
  await new Promise((r) => setTimeout(r, 300));
  const uacPort = await freePort();
  const uac = startSipp([
    `127.0.0.1:${sbc.sipPort}`,
    ...['-sn', 'uac', '-s', '15551230000', '-i', '127.0.0.1', '-p', String(uacPort)],
    ...['-m', '1', '-d', String(holdMs), '-timeout', '30s'],
  ]);
  const [uacResult] = await Promise.all([uac.done, uas.done]);
  const received = readdirSync(uas.dir)
    .filter((f) => f.endsWith('_messages.log'))
    .map((f) => readFileSync(join(uas.dir, f), 'utf8'))
    .join('\n');
  return { uac: uacResult, received };
}

describe('web editor in Chromium', () => {
  it('signs in with a token; a viewer sees deploy buttons disabled; a wrong token is refused', async () => {
    const viewer = await sbc.api<{ token: string }>('POST', '/api/v1/tokens', {
      name: 'vera',
      role: 'viewer',
    });
    await page.goto(`${sbc.url}/`);
    await screenshot(page, '1-sign-in');
    await page.fill('[data-testid=token]', 'not-a-token');
    await page.click('[data-testid=signin]');
    await expect.poll(() => page.textContent('[data-testid=signin-error]')).toContain('not valid');

    await signIn(viewer.body.token);
    expect(await page.textContent('[data-testid=whoami]')).toBe('vera (viewer)');
    await page.click('[data-testid=tab-deploy]');
    expect(await page.isDisabled('[data-testid=push]')).toBe(true);
    expect(await page.isDisabled('[data-testid=rollback]')).toBe(true);
    expect(await page.getAttribute('[data-testid=rollback]', 'title')).toContain('needs the admin role');
    // The token lives in this tab's session storage only.
    expect(await page.evaluate(() => sessionStorage.getItem('sbc.adminToken'))).toBe(viewer.body.token);
    await page.click('[data-testid=signout]');
    await page.waitForSelector('[data-testid=token]');

    await signIn(ADMIN_TOKEN);
    expect(await page.textContent('[data-testid=whoami]')).toBe('bootstrap (admin)');
    expect(await page.textContent('[data-testid=active-version]')).toContain('active v2');
  }, 60_000);

  it('shows a marker at the line of a typed mistake, and none once it is fixed', async () => {
    const routeLine = rules.split('\n').indexOf('  route peer') + 1;
    await sbcState(
      `(s) => { s.editor.setPosition({ lineNumber: ${routeLine - 1}, column: 200 }); s.editor.focus(); }`,
    );
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('set header "X-Edited" = from.usr', { delay: 5 });
    const errorLine = routeLine;
    await expect
      .poll(() => sbcState<{ code: string; startLineNumber: number }[]>('(s) => s.markers()'), {
        timeout: 10_000,
      })
      .toEqual([expect.objectContaining({ code: 'E302', startLineNumber: errorLine, startColumn: 32 })]);
    await page.waitForSelector('.squiggly-error');
    expect(await page.textContent('[data-testid=problems]')).toContain(
      `main.rules:${errorLine}:32 E302 unknown field 'usr'`,
    );
    expect(await page.textContent('[data-testid=files]')).toContain('●main.rules');
    await screenshot(page, '2-marker');

    await page.keyboard.press('Backspace');
    await page.keyboard.type('er');
    await expect.poll(() => sbcState<unknown[]>('(s) => s.markers()'), { timeout: 10_000 }).toEqual([]);
    expect(await page.textContent('[data-testid=problem-count]')).toBe('0 error(s), 0 warning(s)');
  }, 60_000);

  it('completes fields after a dot and formats the document like sbc fmt', async () => {
    // Close any suggestion left open by the fix, so Enter makes a new line.
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('log ruri.');
    await page.waitForSelector('.suggest-widget.visible');
    const labels = await page.$$eval('.suggest-widget .monaco-list-row', (rows) =>
      rows.map((r) => r.textContent ?? ''),
    );
    expect(labels.join(' ')).toContain('user');
    await page.keyboard.press('Escape');
    // Drop the half-typed line and mangle the layout of the fixed one.
    await page.evaluate(() => {
      const model = (
        globalThis as unknown as { __sbc: { editor: { getModel(): Model } } }
      ).__sbc.editor.getModel();
      const text = model.getValue().replace(/\n *log ruri\.\n/, '\n');
      model.setValue(text.replace('set header "X-Edited" = from.user', 'set   header "X-Edited"=from.user'));
    });
    expect(await sbcState<string>('(s) => s.editor.getModel().getValue()')).toContain(
      'set   header "X-Edited"=from.user',
    );
    await page.click('[data-testid=format]');
    await expect
      .poll(() => sbcState<string>('(s) => s.editor.getModel().getValue()'))
      .toContain('\n  set header "X-Edited" = from.user\n  route peer\n');
  }, 60_000);

  it('shows hover docs for fields and goes to the definition of a trunk', async () => {
    const lines = await sbcState<string[]>('(s) => s.editor.getModel().getLinesContent()');
    const setLine = lines.findIndex((l) => l.includes('from.user')) + 1;
    const userColumn = lines[setLine - 1]!.indexOf('from.user') + 'from.'.length + 2;
    await sbcState(
      `(s) => { s.editor.setPosition({ lineNumber: ${setLine}, column: ${userColumn} }); s.editor.focus(); s.editor.trigger('test', 'editor.action.showHover', {}); }`,
    );
    await expect
      .poll(() => page.locator('.monaco-hover').first().textContent(), { timeout: 10_000 })
      .toContain('from.user: string (writable)');
    await page.keyboard.press('Escape');

    const routeLine = lines.findIndex((l) => l.trim() === 'route peer') + 1;
    const trunkLine = lines.indexOf('trunk peer {') + 1;
    await sbcState(
      `(s) => { s.editor.setPosition({ lineNumber: ${routeLine}, column: 10 }); s.editor.trigger('test', 'editor.action.revealDefinition', {}); }`,
    );
    await expect
      .poll(() => sbcState<{ lineNumber: number; column: number }>('(s) => s.editor.getPosition()'))
      .toEqual({ lineNumber: trunkLine, column: 7 });
  }, 60_000);

  it('previews the Zoom INVITE: diff, decisions and trace; a trace step jumps to its rule line', async () => {
    await page.click('[data-testid=tab-preview]');
    await page.selectOption('[data-testid=preview-sample]', 'zoom-invite');
    await page.focus('[data-testid=preview-trunk]');
    await page.selectOption('[data-testid=preview-trunk]', 'callers');
    await page.click('[data-testid=preview-run]');
    await page.waitForSelector('[data-testid=preview-diff]');
    const diff = await page.textContent('[data-testid=preview-diff]');
    expect(diff).toContain('+X-Edited: +14085551213');
    expect(await page.textContent('[data-testid=preview-decisions]')).toContain('route → trunk peer');
    expect(await page.textContent('[data-testid=preview-result]')).toContain('X-Edited: +14085551213');
    await screenshot(page, '3-preview');

    const handlerLine = rules.split('\n').indexOf('on request INVITE from callers {') + 1;
    await sbcState(`(s) => s.editor.setPosition({ lineNumber: 1, column: 1 })`);
    const step = page.locator('[data-testid=trace-step]').first();
    expect(await step.textContent()).toContain(`main.rules:${handlerLine}:`);
    await step.click();
    expect(await sbcState<number>('(s) => s.editor.getPosition().lineNumber')).toBe(handlerLine);
  }, 60_000);

  it('shows the unsaved change as a diff against the active version', async () => {
    await page.click('[data-testid=diff]');
    await page.waitForSelector('[data-testid=diff-editor] .monaco-diff-editor');
    await expect
      .poll(() => page.locator('[data-testid=diff-editor] .line-insert').count())
      .toBeGreaterThan(0);
    await page.click('[data-testid=diff]');
  }, 60_000);

  it('validates, pushes with a message and activates; a real call shows the new header and is pinned to it', async () => {
    await page.click('[data-testid=tab-deploy]');
    await page.click('[data-testid=validate]');
    await expect.poll(() => page.textContent('[data-testid=deploy-status]')).toContain('Valid');
    await page.fill('[data-testid=push-message]', 'add X-Edited with the caller');
    await page.click('[data-testid=push]');
    await expect.poll(() => page.textContent('[data-testid=deploy-status]')).toContain('Pushed as version 3');
    expect(await page.textContent('[data-testid=files]')).not.toContain('●');
    await page.click('[data-testid=activate]');
    await expect.poll(() => page.textContent('[data-testid=deploy-status]')).toContain('Version 3 is active');
    const row = page.locator('[data-testid=versions] tr[data-version="3"]');
    await expect.poll(() => row.textContent()).toContain('add X-Edited with the caller');
    expect(await row.textContent()).toContain('bootstrap');
    await expect
      .poll(() => page.locator('[data-testid=activations] tr').first().textContent())
      .toMatch(/activate\s*v3\s*v2\s*bootstrap/);

    const held = call(6000);
    // While the call lasts it is pinned to version 3 (polled from /metrics every 2 s).
    await expect.poll(() => page.textContent('[data-testid=pinned-3]'), { timeout: 10_000 }).toBe('1');
    await screenshot(page, '4-deploy-history');
    const { uac, received } = await held;
    expect(uac.successful).toBe(1);
    expect(received).toMatch(/^X-Edited: sipp\r?$/m);
  }, 90_000);

  it('shows live status: calls chart, trunk peers with their OPTIONS state', async () => {
    await page.click('[data-testid=tab-status]');
    await page.waitForSelector('[data-testid=status-chart] .uplot canvas');
    await expect
      .poll(() => page.textContent('[data-testid=status-peers]'), { timeout: 15_000 })
      .toMatch(/dead\s*udp:127\.0\.0\.1:\d+\s*down/);
    expect(await page.textContent('[data-testid=active-calls]')).toBe('0');
    await screenshot(page, '5-status');
  }, 60_000);

  it('rolls back: the previous version is active again and calls lose the header', async () => {
    await page.click('[data-testid=tab-deploy]');
    await page.click('[data-testid=rollback]');
    await expect.poll(() => page.textContent('[data-testid=deploy-status]')).toContain('version 2 is active');
    await expect
      .poll(() => page.locator('[data-testid=activations] tr').first().textContent())
      .toMatch(/rollback\s*v2\s*v3/);
    await expect.poll(() => page.textContent('[data-testid=active-version]')).toContain('active v2');
    const { uac, received } = await call();
    expect(uac.successful).toBe(1);
    expect(received).toContain('INVITE sip:');
    expect(received).not.toContain('X-Edited');
  }, 90_000);

  it('reports the same diagnostics as sbc check on the same files', async () => {
    const before = await sbcState<number>('(s) => s.checkState().seq');
    await sbcState(
      `(s) => { for (const [p, t] of Object.entries(${JSON.stringify(BROKEN_FILES)})) s.setFile(p, t); }`,
    );
    await page.waitForFunction((seq) => {
      const s = (
        globalThis as unknown as { __sbc?: { checkState(): { seq: number; diagnostics: unknown[] } } }
      ).__sbc!;
      return s.checkState().seq > seq && s.checkState().diagnostics.length > 0;
    }, before);
    await page.waitForTimeout(300);
    const inBrowser = await sbcState<unknown[]>('(s) => s.diagnostics()');
    expect(inBrowser).toEqual(cliCheck(BROKEN_FILES));
    expect(inBrowser.length).toBeGreaterThanOrEqual(4);
    // Several files are edited at once; new ones are marked as unsaved, like the changed entry.
    const list = await page.textContent('[data-testid=files]');
    expect(list).toContain('●main.rules');
    expect(list).toContain('●standalone.rules');
    expect(list).toContain('●trunks.rules');
    expect(await page.textContent('[data-testid=active-version]')).toContain('3 unsaved file(s)');
    await screenshot(page, '6-several-files');
  }, 60_000);

  it('loaded everything from the SBC: no request went anywhere else', () => {
    expect(foreignRequests).toEqual([]);
  }, 60_000);
});
