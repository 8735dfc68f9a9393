/**
 * SIP INFO bodies for DTMF (`application/dtmf-relay`, the de-facto format:
 * `Signal=5\r\nDuration=160\r\n`), so the core can turn digits rtpengine reports
 * into INFO requests toward a `dtmf: info` leg and INFO from such a leg into
 * `playDtmf` calls. `application/dtmf` (a bare digit) is accepted too.
 */

export const DTMF_RELAY = 'application/dtmf-relay';
const DIGIT = /^[0-9*#A-Da-d]$/;

export function formatDtmfRelay(digit: string, durationMs: number): string {
  if (!DIGIT.test(digit)) throw new Error(`not a DTMF digit: ${JSON.stringify(digit)}`);
  return `Signal=${digit.toUpperCase()}\r\nDuration=${Math.max(1, Math.round(durationMs))}\r\n`;
}

/** The digit and duration of an INFO body, or undefined when it carries no valid digit (answer 415/400). */
export function parseDtmfInfo(
  contentType: string,
  body: string,
): { digit: string; durationMs: number } | undefined {
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/dtmf') {
    const digit = body.trim();
    return DIGIT.test(digit) ? { digit: digit.toUpperCase(), durationMs: 250 } : undefined;
  }
  if (type !== DTMF_RELAY) return undefined;
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const signal = fields.get('signal') ?? '';
  if (!DIGIT.test(signal)) return undefined;
  const duration = Number(fields.get('duration') ?? 250);
  return {
    digit: signal.toUpperCase(),
    durationMs: Number.isFinite(duration) && duration > 0 ? Math.min(duration, 5000) : 250,
  };
}
