/**
 * Which failure goes upstream when every attempt failed: RFC 3261 §16.7
 * step 6 ("choosing the best response"), applied by a B2BUA to the outcomes
 * of its serial attempts. Unlike a proxy, the SBC passes a 503 on as 503:
 * upstream peers such as Zoom read it as "try another SBC" (seeds/003,
 * failover routing), which is exactly what an exhausted route means.
 */
import type { AttemptOutcome } from './failover-policy.ts';

export interface FinalFailure {
  status: number;
  reason: string;
}

/** Requests that the caller can act on are preferred within their class (§16.7). */
const ACTIONABLE = new Set([401, 407, 415, 420, 484]);

export function bestResponse(
  outcomes: ReadonlyArray<{ outcome: AttemptOutcome; reason?: string }>,
): FinalFailure {
  const finals = outcomes.filter(
    (o): o is { outcome: number; reason?: string } => typeof o.outcome === 'number',
  );
  // A 6xx is definitive: nobody anywhere will take the call.
  const global = finals.find((o) => o.outcome >= 600);
  if (global) return { status: global.outcome, reason: global.reason ?? defaultReason(global.outcome) };
  if (finals.length > 0) {
    const lowestClass = Math.min(...finals.map((o) => Math.floor(o.outcome / 100)));
    const inClass = finals.filter((o) => Math.floor(o.outcome / 100) === lowestClass);
    const chosen = inClass.find((o) => ACTIONABLE.has(o.outcome)) ?? inClass[0]!;
    return { status: chosen.outcome, reason: chosen.reason ?? defaultReason(chosen.outcome) };
  }
  // No final response at all: 408 when peers were silent, 503 when none could be reached.
  if (outcomes.some((o) => o.outcome === 'timeout')) return { status: 408, reason: 'Request Timeout' };
  return { status: 503, reason: 'No route available' };
}

function defaultReason(status: number): string {
  return (
    REASONS[status] ?? (status >= 600 ? 'Global Failure' : status >= 500 ? 'Server Error' : 'Request Failed')
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};
