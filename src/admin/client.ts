/**
 * A small HTTP client for the admin API, used by `sbc rules …` and `sbc numbers …`. The URL and
 * token come from flags or the environment (SBC_URL, SBC_ADMIN_TOKEN).
 */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8080';

export interface ClientOptions {
  url?: string;
  token?: string;
}

export interface ApiAnswer {
  status: number;
  /** Parsed JSON, or the text for non-JSON answers. */
  body: unknown;
  text: string;
}

/** Raised when the SBC cannot be reached or no token is known; the message says what to do. */
export class ClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientError';
  }
}

export class AdminClient {
  readonly url: string;
  private readonly token: string;

  constructor(options: ClientOptions, env: NodeJS.ProcessEnv = process.env) {
    this.url = (options.url ?? env.SBC_URL ?? DEFAULT_ADMIN_URL).replace(/\/+$/, '');
    const token = options.token ?? env.SBC_ADMIN_TOKEN;
    if (!token) throw new ClientError('no admin token: pass --token or set SBC_ADMIN_TOKEN');
    this.token = token;
  }

  async request(
    method: string,
    path: string,
    body?: { json: unknown } | { csv: string },
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body && 'csv' in body) {
      headers['content-type'] = 'text/csv';
      payload = body.csv;
    }
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (error) {
      const cause = (
        error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }
      ).cause;
      const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? String(error);
      throw new ClientError(
        `cannot reach the SBC at ${this.url} (${reason}); is \`sbc run\` running? (--url, SBC_URL)`,
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, text };
  }
}

/** The message of an error answer `{error, message}`, or the status line. */
export function errorMessage(answer: ApiAnswer): string {
  const body = answer.body as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : `HTTP ${answer.status}`;
}
