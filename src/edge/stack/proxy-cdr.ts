// CDR events of a proxied INVITE as drachtio-server sends them
// (src/sip-proxy-controller.cpp): each target's final response is recorded
// from the `network` (role proxy-uac), what the caller is answered from the
// `application` (role proxy-uas).

import type { StackContext } from './context.ts';

export function proxyCdr(
  ctx: StackContext,
  message: Buffer,
  status: number,
  source: 'network' | 'application',
): void {
  const sip = message.toString('utf8');
  if (status < 300) {
    ctx.gateway.cdr({ kind: 'start', source, role: source === 'network' ? 'proxy-uac' : 'proxy-uas', sip });
    return;
  }
  ctx.gateway.cdr({ kind: 'stop', source, reason: status === 487 ? 'call-canceled' : 'call-rejected', sip });
}
