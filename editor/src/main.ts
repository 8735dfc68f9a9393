/** Entry point: sign in (or reuse the token of this tab), then open the workbench. */
import { Api, ApiError, forgetToken, savedToken } from './api/client.ts';
import type { Whoami } from './api/types.ts';
import './styles.css';
import { showSignIn } from './ui/signin.ts';

const root = document.getElementById('app')!;

async function open(api: Api, me: Whoami): Promise<void> {
  // The workbench (and monaco with it) loads only after sign-in, so the sign-in page is instant.
  const { startWorkbench } = await import('./ui/app.ts');
  await startWorkbench(root, api, me, () => {
    forgetToken();
    location.reload();
  });
}

async function main(): Promise<void> {
  const token = savedToken();
  if (token) {
    const api = new Api(token);
    try {
      return await open(api, await api.whoami());
    } catch (e) {
      forgetToken();
      if (!(e instanceof ApiError)) throw e;
    }
  }
  showSignIn(root, (api, me) => void open(api, me));
}

void main();
