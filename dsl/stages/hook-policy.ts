import type { Expr } from '../ast.ts';

/**
 * What each hook point may do (docs/language.md §7.1) and how targets are named in messages.
 */
/** Headers the SBC manages itself; rules may read but not change them (RFC 3261 §8.1.1, §20.42). */
export const MANAGED_HEADERS = new Set([
  'via',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'route',
  'record-route',
]);
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export type Action = 'edit' | 'route' | 'reject' | 'reply' | 'media';
export const ALLOWED: Record<string, Action[]> = {
  'request-in': ['edit', 'route', 'reject', 'reply', 'media'],
  'request-dialog': ['edit', 'reject', 'reply', 'media'],
  'request-out': ['edit', 'media'],
  response: ['edit', 'media'],
  failure: ['route', 'reject'],
};

export function describe(e: Expr): string {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'member':
      return `${describe(e.object)}.${e.name.name}`;
    case 'index':
      return `${describe(e.object)}[${e.index.kind === 'string' ? e.index.raw : '…'}]`;
    default:
      return 'this';
  }
}

export function describeHook(key: string, methods: string[]): string {
  const m = methods.join(', ');
  switch (key) {
    case 'request-in':
      return `an 'on request ${m}' handler`;
    case 'request-dialog':
      return `an in-dialog request handler`;
    case 'request-out':
      return `an 'on request … to' handler (the request is already routed)`;
    default:
      return `an 'on ${key}' handler`;
  }
}
