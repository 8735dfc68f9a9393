import type { CompiledRules } from '../../../dsl/codegen/index.ts';
import { prelude } from '../../../dsl/codegen/prelude.ts';
import { PLANS } from '../../../dsl/e164.ts';

const { inCidr } = prelude(PLANS);

/**
 * The trunk a source address belongs to: a peer's address, or one of the trunk's source ranges
 * (docs/language.md §6.3). '' when none matches. Host names among peers are not resolved here.
 */
export function classifyTrunk(rules: CompiledRules, ip: string): string {
  for (const t of rules.trunks) {
    if (t.peers.some((p) => p === ip || p === `[${ip}]`)) return t.name;
    if (t.sources.some((s) => inCidr(ip, s))) return t.name;
  }
  return '';
}
