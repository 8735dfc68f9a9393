// Where an in-dialog request goes (RFC 3261 §12.2.1.1, §8.1.2): the
// Request-URI and Route headers from the remote target and the route set
// (loose or strict routing), and the URI of the next hop to resolve.

import { parseNameAddr } from '../sip/index.ts';

export interface InDialogRouting {
  requestUri: string;
  /** Route header values, in order. */
  routes: string[];
  /** The URI to resolve for the first hop: the first Route's, else the Request-URI. */
  nextHop: string;
}

function uriOf(nameAddr: string): string {
  const r = parseNameAddr(nameAddr, 'Route');
  return r.ok ? r.value.uri.raw : nameAddr.replace(/^<|>$/g, '');
}

function isLoose(nameAddr: string): boolean {
  const r = parseNameAddr(nameAddr, 'Route');
  return r.ok && r.value.uri.kind === 'sip' && r.value.uri.params.some((p) => p.key === 'lr');
}

export function inDialogRouting(remoteTarget: string, routeSet: readonly string[]): InDialogRouting {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: remoteTarget, routes: [], nextHop: remoteTarget };
  if (isLoose(first)) return { requestUri: remoteTarget, routes: [...routeSet], nextHop: uriOf(first) };
  // Strict routing (RFC 2543 proxies): the first route becomes the Request-URI and
  // the remote target goes last in the Route header.
  const ruri = uriOf(first);
  return { requestUri: ruri, routes: [...routeSet.slice(1), `<${remoteTarget}>`], nextHop: ruri };
}

/** Record-Route values of a message as the route set: reversed for the UAC (§12.1.2), as is for the UAS. */
export function routeSetFrom(recordRoutes: readonly string[], role: 'uas' | 'uac'): string[] {
  return role === 'uac' ? [...recordRoutes].reverse() : [...recordRoutes];
}
