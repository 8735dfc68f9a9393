/**
 * What a hook call receives: a plain, JSON-serialisable snapshot of the message and the call. The
 * types live in dsl/effects.ts because the editor builds the same snapshots in the browser; the core
 * builds them from parsed SIP messages (src/core/effects/snapshot.ts).
 */
export type {
  HookInput,
  HookKind,
  MessageSnapshot,
  NameAddrSnapshot,
  UriSnapshot,
} from '../../dsl/effects.ts';
