/** Sign-in with an admin-API token; the token is checked by the server before it is kept. */
import { Api, ApiError } from '../api/client.ts';
import type { Whoami } from '../api/types.ts';
import { clear, h } from './dom.ts';

export function showSignIn(root: HTMLElement, done: (api: Api, me: Whoami) => void, notice = ''): void {
  const token = h('input', {
    type: 'password',
    'data-testid': 'token',
    placeholder: 'sbc_…',
    autocomplete: 'off',
    size: 48,
  });
  const error = h('p', { class: 'error', 'data-testid': 'signin-error' }, notice);
  const form = h(
    'form',
    { class: 'signin' },
    h('h1', {}, 'SBC rule editor'),
    h('p', {}, 'Sign in with an admin-API token (viewer, operator or admin).'),
    token,
    h('button', { class: 'primary', type: 'submit', 'data-testid': 'signin' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const { api, me } = await Api.signIn(token.value);
      done(api, me);
    } catch (e) {
      error.textContent =
        e instanceof ApiError && e.status === 401
          ? 'That token is not valid.'
          : `Sign-in failed: ${String(e)}`;
    }
  });
  clear(root, form);
  token.focus();
}
