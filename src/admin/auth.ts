/**
 * Bearer-token authentication with three roles, each including the ones below it:
 * viewer (read), operator (provisioning, uploading rule versions), admin (activating and rolling
 * back rules, managing tokens). Secrets are never stored: only their SHA-256 hashes. A token is
 * 32 random bytes, so a plain hash (no salt, no slow KDF) is enough: it cannot be guessed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenRecord, TokenRole, TokenStore } from '../store/types.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly TokenRole[];

const RANK: Record<TokenRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** Who made a request: the token's name appears in the audit log and as rule-version author. */
export interface Principal {
  name: string;
  role: TokenRole;
  /** null for the bootstrap token from config/env. */
  tokenId: string | null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): string {
  return `sbc_${randomBytes(32).toString('base64url')}`;
}

export function newTokenId(): string {
  return randomBytes(9).toString('base64url');
}

export function allows(role: TokenRole, needed: TokenRole): boolean {
  return RANK[role] >= RANK[needed];
}

export class Authenticator {
  private readonly tokens: TokenStore;
  private readonly bootstrapHash: Buffer | undefined;

  /** `bootstrapToken`: `admin.token` / SBC_ADMIN_TOKEN, an admin token that needs no store entry. */
  constructor(tokens: TokenStore, bootstrapToken: string | undefined) {
    this.tokens = tokens;
    this.bootstrapHash = bootstrapToken ? Buffer.from(hashSecret(bootstrapToken), 'hex') : undefined;
  }

  get hasBootstrapToken(): boolean {
    return this.bootstrapHash !== undefined;
  }

  /** The principal for an Authorization header value, or undefined when it names no valid token. */
  async authenticate(header: string | undefined): Promise<Principal | undefined> {
    const match = /^Bearer +([\x21-\x7E]{1,512}) *$/i.exec(header ?? '');
    if (!match?.[1]) return undefined;
    const hash = hashSecret(match[1]);
    // Constant-time against the bootstrap secret; store lookups go by hash, which leaks nothing.
    if (this.bootstrapHash && timingSafeEqual(this.bootstrapHash, Buffer.from(hash, 'hex'))) {
      return { name: 'bootstrap', role: 'admin', tokenId: null };
    }
    const record: TokenRecord | undefined = await this.tokens.findByHash(hash);
    return record && { name: record.name, role: record.role, tokenId: record.id };
  }
}
