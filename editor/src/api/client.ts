/**
 * The admin API over HTTP, with the token the engineer signed in with (kept in session storage:
 * it lasts as long as the tab and is never written to disk by the page).
 */
import type { Diagnostic } from '../../../dsl/index.ts';
import type {
  Activation,
  HookName,
  PreviewResult,
  Validation,
  Version,
  VersionSummary,
  Whoami,
} from './types.ts';

const TOKEN_KEY = 'sbc.adminToken';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly diagnostics: Diagnostic[];
  constructor(status: number, code: string, message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export class Api {
  readonly token: string;
  constructor(token: string) {
    this.token = token;
  }

  /** Checks the token with the server before keeping it. */
  static async signIn(token: string): Promise<{ api: Api; me: Whoami }> {
    const api = new Api(token.trim());
    const me = await api.whoami();
    sessionStorage.setItem(TOKEN_KEY, api.token);
    return { api, me };
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const type = res.headers.get('content-type') ?? '';
    const data: unknown = type.includes('json') ? await res.json() : await res.text();
    if (!res.ok) {
      const e = (typeof data === 'object' && data ? data : {}) as {
        error?: string;
        message?: string;
        diagnostics?: Diagnostic[];
      };
      throw new ApiError(res.status, e.error ?? 'error', e.message ?? String(data), e.diagnostics ?? []);
    }
    return data as T;
  }

  whoami = () => this.request<Whoami>('GET', '/api/v1/whoami');
  versions = () => this.request<VersionSummary[]>('GET', '/api/v1/rulesets/versions');
  version = (n: number) => this.request<Version>('GET', `/api/v1/rulesets/versions/${n}`);
  activations = () => this.request<Activation[]>('GET', '/api/v1/rulesets/activations?limit=50');

  async active(): Promise<Activation | undefined> {
    try {
      return await this.request<Activation>('GET', '/api/v1/rulesets/active');
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  validate = (files: Record<string, string>, entry?: string) =>
    this.request<Validation>('POST', '/api/v1/rulesets/validate', { files, ...(entry ? { entry } : {}) });

  push = (files: Record<string, string>, entry: string | undefined, message: string) =>
    this.request<{ version: VersionSummary; diagnostics: Diagnostic[] }>(
      'POST',
      '/api/v1/rulesets/versions',
      {
        files,
        ...(entry ? { entry } : {}),
        ...(message ? { message } : {}),
      },
    );

  activate = (version: number) =>
    this.request<{ activation: Activation; changed: boolean }>('POST', '/api/v1/rulesets/activate', {
      version,
    });

  rollback = (version?: number) =>
    this.request<{ activation: Activation; changed: boolean }>(
      'POST',
      '/api/v1/rulesets/rollback',
      version === undefined ? {} : { version },
    );

  preview = (body: {
    files: Record<string, string>;
    entry?: string;
    message: string;
    trunk?: string;
    source?: string;
    hook?: HookName;
  }) => this.request<PreviewResult>('POST', '/api/v1/rulesets/preview', body);

  metrics = () => this.request<string>('GET', '/metrics');
}
