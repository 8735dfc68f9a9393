/**
 * Shapes of provisioning keys, shared by the stores, the API schemas and the CSV import.
 * E.164 (ITU-T E.164 §6): `+`, a country code not starting with 0, at most 15 digits in all.
 */
export const E164_PATTERN = '^\\+[1-9][0-9]{1,14}$';
export const CUSTOMER_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

const E164 = new RegExp(E164_PATTERN);
const CUSTOMER_ID = new RegExp(CUSTOMER_ID_PATTERN);

export function isE164(text: string): boolean {
  return E164.test(text);
}

export function isCustomerId(text: string): boolean {
  return CUSTOMER_ID.test(text);
}
