/**
 * Small facts the signaling core reads off a new call's request: the media
 * policy a leg ends up with, the caller/callee user parts for CDRs, and the
 * names of a TLS peer's verified certificate.
 */
import type { IrMediaPolicy } from '../../../dsl/index.ts';
import { TLS_PEER_HEADER } from '../../edge/stack/tls-peer-header.ts';
import type { Call } from './call.ts';

/** The trunk's policy with a rule's `media inbound|outbound { }` keys on top (docs/language.md §7.9). */
export function mergePolicy(
  trunk: IrMediaPolicy | undefined,
  decided: { leg: 'inbound' | 'outbound'; policy: IrMediaPolicy }[],
  leg: 'inbound' | 'outbound',
): IrMediaPolicy | undefined {
  const fromRules = decided.filter((d) => d.leg === leg).map((d) => d.policy);
  if (trunk === undefined && fromRules.length === 0) return undefined;
  return Object.assign({}, trunk, ...fromRules) as IrMediaPolicy;
}

export function userOf(call: Call, header: 'From' | 'To'): string {
  const value = call.invite.get(header) ?? '';
  return /<?(?:sips?|tel):([^@;>]*)/.exec(value)?.[1] ?? '';
}

/**
 * The names of a TLS peer's verified certificate, which the embedded edge reports in
 * `X-SBC-TLS-Peer` (src/edge/stack/tls-peer-header.ts; it strips that header from what
 * peers send, so only the edge sets it). An external drachtio-server reports none.
 */
export function tlsNamesOf(req: { protocol?: string; get(name: string): string | undefined }): {
  tlsNames?: string[];
} {
  if ((req.protocol ?? '').toLowerCase() !== 'tls') return {};
  const value = req.get(TLS_PEER_HEADER);
  if (!value) return {};
  return {
    tlsNames: value
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  };
}
