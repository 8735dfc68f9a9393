import { lookupTable } from './lookup-table.ts';
/**
 * National numbering rules for number normalisation (docs/language.md §8). Pure functions, so the
 * rules runtime can use exactly the behaviour the compiler documents. Seeds: Zoom BYOC-P requires
 * E.164 towards Zoom; BYOP-P numbers may arrive "localized".
 */
export interface NumberingPlan {
  /** Country calling code, without '+'. */
  cc: string;
  /** Trunk prefix dialled before national numbers ('' when the country has none). */
  nationalPrefix: string;
  /** Prefix for international calls from this country. */
  internationalPrefix: string;
  /** Allowed lengths of the national significant number. */
  lengths: readonly number[];
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const PLANS: Record<string, NumberingPlan> = lookupTable({
  US: { cc: '1', nationalPrefix: '1', internationalPrefix: '011', lengths: [10] },
  CA: { cc: '1', nationalPrefix: '1', internationalPrefix: '011', lengths: [10] },
  GB: { cc: '44', nationalPrefix: '0', internationalPrefix: '00', lengths: [9, 10] },
  IE: { cc: '353', nationalPrefix: '0', internationalPrefix: '00', lengths: range(7, 9) },
  DE: { cc: '49', nationalPrefix: '0', internationalPrefix: '00', lengths: range(6, 13) },
  FR: { cc: '33', nationalPrefix: '0', internationalPrefix: '00', lengths: [9] },
  ES: { cc: '34', nationalPrefix: '', internationalPrefix: '00', lengths: [9] },
  IT: { cc: '39', nationalPrefix: '', internationalPrefix: '00', lengths: range(6, 11) },
  NL: { cc: '31', nationalPrefix: '0', internationalPrefix: '00', lengths: [9] },
  BE: { cc: '32', nationalPrefix: '0', internationalPrefix: '00', lengths: [8, 9] },
  CH: { cc: '41', nationalPrefix: '0', internationalPrefix: '00', lengths: [9] },
  AT: { cc: '43', nationalPrefix: '0', internationalPrefix: '00', lengths: range(4, 13) },
  SE: { cc: '46', nationalPrefix: '0', internationalPrefix: '00', lengths: range(7, 9) },
  NO: { cc: '47', nationalPrefix: '', internationalPrefix: '00', lengths: [8] },
  DK: { cc: '45', nationalPrefix: '', internationalPrefix: '00', lengths: [8] },
  AU: { cc: '61', nationalPrefix: '0', internationalPrefix: '0011', lengths: [9] },
  NZ: { cc: '64', nationalPrefix: '0', internationalPrefix: '00', lengths: range(8, 10) },
  JP: { cc: '81', nationalPrefix: '0', internationalPrefix: '010', lengths: [9, 10] },
  IN: { cc: '91', nationalPrefix: '0', internationalPrefix: '00', lengths: [10] },
  SG: { cc: '65', nationalPrefix: '', internationalPrefix: '000', lengths: [8] },
  BR: { cc: '55', nationalPrefix: '0', internationalPrefix: '00', lengths: [10, 11] },
  MX: { cc: '52', nationalPrefix: '', internationalPrefix: '00', lengths: [10] },
});

const SEPARATORS = /[\s\-.()/]/g;

/** Normalise a dialled or presented number to E.164 ('+' and 1-15 digits), or undefined. */
export function toE164(input: string, country: string): string | undefined {
  const plan = PLANS[country];
  if (plan === undefined) return undefined;
  const s = input.replace(SEPARATORS, '');
  const valid = (digits: string) => (/^[1-9][0-9]{1,14}$/.test(digits) ? `+${digits}` : undefined);
  if (s.startsWith('+')) return valid(s.slice(1));
  if (!/^[0-9]+$/.test(s)) return undefined;
  if (s.startsWith(plan.internationalPrefix)) return valid(s.slice(plan.internationalPrefix.length));
  if (plan.nationalPrefix !== '' && s.startsWith(plan.nationalPrefix)) {
    const nsn = s.slice(plan.nationalPrefix.length);
    if (plan.lengths.includes(nsn.length)) return valid(plan.cc + nsn);
  }
  if (plan.lengths.includes(s.length)) return valid(plan.cc + s);
  return undefined;
}

/** Format an E.164 number the way it is dialled inside `country`, or undefined if not E.164. */
export function toNational(input: string, country: string): string | undefined {
  const plan = PLANS[country];
  if (plan === undefined || !/^\+[1-9][0-9]{1,14}$/.test(input)) return undefined;
  const digits = input.slice(1);
  if (digits.startsWith(plan.cc)) return plan.nationalPrefix + digits.slice(plan.cc.length);
  return plan.internationalPrefix + digits;
}
