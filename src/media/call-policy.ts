/**
 * Builds a call's media policy from what the core knows: each leg's trunk
 * `media { … }` (compiled IR), the rule effects `media inbound|outbound { … }`
 * that override it field by field, and the `media.trunks` / `media.bypass`
 * config extras (docs/config.md). The inbound leg faces the calling trunk.
 */
import type { IrMediaPolicy } from '../../dsl/ir.ts';
import type { CallMediaPolicy, LegMediaPolicy, SdpAttributePolicy, SrtpSuite } from './policy.ts';

/** The `media.trunks` and `media.bypass` parts of the config. */
export interface MediaPolicyConfig {
  trunks: Record<
    string,
    { srtpSuites?: SrtpSuite[]; attributes?: SdpAttributePolicy; hideTopology?: boolean }
  >;
  bypass: { from: string; to: string }[];
}

export interface LegSource {
  /** Trunk name, when the leg faces a known trunk. */
  trunk?: string;
  /** The trunk's `media { … }`. */
  trunkPolicy?: IrMediaPolicy;
  /** The rule effect for this leg (`media inbound { … }` / `media outbound { … }`), applied on top. */
  effect?: IrMediaPolicy;
}

export function legPolicy(source: LegSource, config: MediaPolicyConfig): LegMediaPolicy {
  const extras = source.trunk ? config.trunks[source.trunk] : undefined;
  return { ...extras, ...source.trunkPolicy, ...source.effect };
}

/** Media bypass applies to a configured trunk pair, in either direction. */
export function isBypass(
  from: string | undefined,
  to: string | undefined,
  config: MediaPolicyConfig,
): boolean {
  if (!from || !to) return false;
  return config.bypass.some((p) => (p.from === from && p.to === to) || (p.from === to && p.to === from));
}

/** The policy of an INVITE with an SDP offer: the inbound (calling) leg offers, the outbound leg answers. */
export function callPolicy(
  inbound: LegSource,
  outbound: LegSource,
  config: MediaPolicyConfig,
): CallMediaPolicy {
  const bypass = isBypass(inbound.trunk, outbound.trunk, config);
  return {
    offerer: legPolicy(inbound, config),
    answerer: legPolicy(outbound, config),
    ...(bypass ? { bypass } : {}),
  };
}

/** For an offer that comes from the callee side (late offer in a 200, or a re-INVITE from the callee). */
export function reversed(policy: CallMediaPolicy): CallMediaPolicy {
  return { ...policy, offerer: policy.answerer, answerer: policy.offerer };
}
