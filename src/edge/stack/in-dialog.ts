// Sending a request inside a dialog, for the app or for the edge itself
// (BYE on ACK timeout): CSeq, routing and the client transaction.

import { randomUUID } from 'node:crypto';
import type { Dialog } from '../dialog/index.ts';
import type { ReportedMeta } from '../wire/sip-side.ts';
import type { AppSip } from './app-sip.ts';
import { startClient } from './client.ts';
import type { StackContext } from './context.ts';
import { sentMeta } from './context.ts';
import { dialogTarget, inDialogRequest } from './requests.ts';

export type InDialogResult = { ok: true; sent: string; meta: ReportedMeta } | { ok: false; reason: string };

/**
 * Sends `method` in dialog `d`. The app's Request-URI is replaced by the
 * dialog's (srf writes `sip:placeholder`). Responses are reported under
 * `txnId` when one is given (app requests), else kept to the edge.
 */
export async function sendInDialog(
  ctx: StackContext,
  d: Dialog,
  method: string,
  app: AppSip | undefined,
  extraLines = '',
  txnId?: string,
): Promise<InDialogResult> {
  let routing: Awaited<ReturnType<typeof dialogTarget>>;
  try {
    routing = await dialogTarget(d);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const transport = ctx.registry.pick(routing.target.protocol, routing.target.host);
  if (transport === undefined) return { ok: false, reason: 'requested protocol/transport not available' };
  const seq = ++d.localSeq;
  const built = inDialogRequest(
    d,
    method,
    seq,
    routing.requestUri,
    routing.routes,
    transport,
    app,
    extraLines,
  );
  if ('error' in built) return { ok: false, reason: built.error };
  if (method === 'INVITE') d.inviteSeq = seq;
  if (method === 'BYE') d.ending = true;
  startClient(ctx, {
    txnId: txnId ?? randomUUID(),
    method,
    text: built.text,
    branch: built.branch,
    transport,
    target: routing.target,
    report: txnId !== undefined,
    entry: {
      requestUri: routing.requestUri,
      topVia: built.topVia,
      from: d.fromHeader,
      to: d.toHeader,
      callId: d.callId,
      seq,
      routes: routing.routes,
      dialog: d,
      createsDialog: false,
    },
  });
  return {
    ok: true,
    sent: built.text,
    meta: sentMeta(
      transport.protocol,
      transport.local.host,
      transport.local.port,
      Buffer.byteLength(built.text),
    ),
  };
}
