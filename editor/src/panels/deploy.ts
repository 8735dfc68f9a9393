/**
 * Deploy and history: validate → push as a new version (with a message) → activate; roll back;
 * every version with who pushed it and when, how many calls are pinned to it, and every
 * activation with who made it and when. Buttons a role may not use are disabled and say why.
 */
import { type Api, ApiError } from '../api/client.ts';
import type { Activation, Role, VersionSummary } from '../api/types.ts';
import type { FileWorkspace } from '../files/workspace.ts';
import { clear, h, when } from '../ui/dom.ts';

export interface DeployHooks {
  /** Loads a stored version's files into the editor. */
  open(version: number): Promise<void>;
  /** After an activation or rollback: the editor's baseline follows the active version. */
  activated(version: number): Promise<void>;
  pinnedCalls(): Map<number, number>;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function deployPanel(api: Api, role: Role, files: FileWorkspace, hooks: DeployHooks) {
  const can = (needed: Role) => RANK[role] >= RANK[needed];
  const why = (needed: Role) => (can(needed) ? undefined : `needs the ${needed} role (you are ${role})`);
  const status = h('div', { class: 'deploy-status', 'data-testid': 'deploy-status' });
  const messageInput = h('input', {
    'data-testid': 'push-message',
    placeholder: 'What changed (shown in the history)',
    size: 40,
    disabled: !can('operator'),
  });
  let pushed: number | undefined;
  const activateBtn = h(
    'button',
    {
      'data-testid': 'activate',
      disabled: true,
      title: why('admin'),
      onclick: async () => pushed !== undefined && activate(pushed),
    },
    'Activate',
  );
  const versionsBody = h('tbody', { 'data-testid': 'versions' });
  const activationsBody = h('tbody', { 'data-testid': 'activations' });
  let versions: VersionSummary[] = [];

  const say = (text: string, kind: 'ok' | 'error' | 'muted' = 'muted', extra?: HTMLElement) =>
    clear(status, h('p', { class: kind }, text), extra ?? null);

  const validate = async () => {
    try {
      const v = await api.validate(files.files(), files.entry);
      const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = v.diagnostics.length - errors;
      say(
        v.ok
          ? `Valid: no errors, ${warnings} warning(s).`
          : `${errors} error(s), ${warnings} warning(s): not deployable.`,
        v.ok ? 'ok' : 'error',
      );
      return v.ok;
    } catch (e) {
      say(String(e instanceof Error ? e.message : e), 'error');
      return false;
    }
  };

  const push = async () => {
    if (!(await validate())) return;
    try {
      const { version } = await api.push(files.files(), files.entry, messageInput.value.trim());
      pushed = version.version;
      files.rebase(version.version);
      messageInput.value = '';
      activateBtn.disabled = !can('admin');
      activateBtn.textContent = `Activate v${version.version}`;
      await refresh();
      say(`Pushed as version ${version.version}. It is stored, not active yet.`, 'ok');
    } catch (e) {
      say(e instanceof ApiError ? `${e.message}` : String(e), 'error');
    }
  };

  // Messages are shown once the tables are refreshed, so what the pane says and lists agree.
  const activate = async (version: number) => {
    try {
      const r = await api.activate(version);
      if (pushed === version) {
        activateBtn.disabled = true;
        activateBtn.textContent = 'Activate';
      }
      await hooks.activated(version);
      await refresh();
      say(
        r.changed
          ? `Version ${version} is active: new calls use it.`
          : `Version ${version} was already active.`,
        'ok',
      );
    } catch (e) {
      say(e instanceof Error ? e.message : String(e), 'error');
    }
  };

  const rollback = async () => {
    try {
      const r = await api.rollback();
      await hooks.activated(r.activation.version);
      await refresh();
      say(`Rolled back: version ${r.activation.version} is active (was ${r.activation.previous}).`, 'ok');
    } catch (e) {
      say(e instanceof Error ? e.message : String(e), 'error');
    }
  };

  const refresh = async () => {
    let activations: Activation[];
    [versions, activations] = await Promise.all([api.versions(), api.activations()]);
    renderVersions();
    clear(
      activationsBody,
      activations.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, when(a.at)),
          h('td', {}, a.kind),
          h('td', {}, `v${a.version}`),
          h('td', {}, a.previous === null ? '—' : `v${a.previous}`),
          h('td', {}, a.actor),
        ),
      ),
    );
  };

  const renderVersions = () => {
    const pinned = hooks.pinnedCalls();
    clear(
      versionsBody,
      [...versions]
        .sort((a, b) => b.version - a.version)
        .map((v) =>
          h(
            'tr',
            { class: v.active ? 'active' : '', 'data-version': v.version },
            h('td', {}, `v${v.version}`, v.active ? h('span', { class: 'badge' }, 'active') : null),
            h('td', {}, v.author),
            h('td', {}, when(v.created_at)),
            h('td', {}, v.message),
            h('td', { 'data-testid': `pinned-${v.version}` }, String(pinned.get(v.version) ?? 0)),
            h(
              'td',
              {},
              h('button', { onclick: () => hooks.open(v.version) }, 'Open'),
              v.active
                ? null
                : h(
                    'button',
                    { disabled: !can('admin'), title: why('admin'), onclick: () => activate(v.version) },
                    'Activate',
                  ),
            ),
          ),
        ),
    );
  };

  const el = h(
    'section',
    { class: 'panel', 'data-testid': 'deploy-panel' },
    h('h3', {}, 'Deploy the edited files'),
    h(
      'div',
      { class: 'row' },
      h('button', { 'data-testid': 'validate', onclick: validate }, 'Validate'),
      messageInput,
      h(
        'button',
        {
          class: 'primary',
          'data-testid': 'push',
          disabled: !can('operator'),
          title: why('operator'),
          onclick: push,
        },
        'Push as new version',
      ),
      activateBtn,
      h(
        'button',
        { 'data-testid': 'rollback', disabled: !can('admin'), title: why('admin'), onclick: rollback },
        'Roll back',
      ),
    ),
    status,
    h('h3', {}, 'Versions'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Version', 'Author', 'Pushed', 'Message', 'Calls', ''].map((t) => h('th', {}, t)),
        ),
      ),
      versionsBody,
    ),
    h('h3', {}, 'Activations'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['When', 'Kind', 'Version', 'Previous', 'By'].map((t) => h('th', {}, t)),
        ),
      ),
      activationsBody,
    ),
  );
  return { el, refresh, renderVersions };
}
