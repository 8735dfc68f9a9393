// Trunk classification by TLS certificate name through a real `sbc run` (issue item 1: "by
// source address/port/transport (and TLS name where present)"). The caller's trunk is named by
// a DNS host, not an address; a TLS peer whose verified client certificate names that host is
// that trunk. A peer that only claims the name in the edge's own header (X-SBC-TLS-Peer) is not.
// sipp speaks TCP to a relay that carries it over real TLS (Debian's sipp has no TLS).

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startLines, startUas } from './support.ts';
import { relayToTls, type TestPki, testPki } from './tls-support.ts';

const PEER = 'carrier.tls.test';
let sbc: SbcUnderTest;
let tlsPort: number;
let pki: TestPki;
const extraCa = process.env.NODE_EXTRA_CA_CERTS;

beforeAll(async () => {
  pki = testPki(PEER);
  // The SBC verifies client certificates against the CAs Node trusts: the test CA is added for it.
  process.env.NODE_EXTRA_CA_CERTS = pki.caFile;
  const sipPort = await freePort();
  tlsPort = await freePort();
  sbc = await startSbcUnderTest({
    config: {
      sip: {
        listen: [
          { transport: 'udp', host: '127.0.0.1', port: sipPort },
          { transport: 'tls', host: '127.0.0.1', port: tlsPort },
        ],
        tls: { cert: pki.server.certFile, key: pki.server.keyFile },
      },
    },
  });
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  if (extraCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
  else process.env.NODE_EXTRA_CA_CERTS = extraCa;
  await sbc?.close();
});

// `core` (the callee, on 127.0.0.1) also owns the caller's address: only the name tells them apart.
const rules = (uasPort: number) => `ruleset tls_names
trunk carrier {
  peers ["${PEER}:5061"]
  transport tls
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
on request INVITE from carrier {
  route core
}
`;

async function callOverTls(clientCert: { cert: string; key: string } | undefined) {
  const relay = await relayToTls(tlsPort, pki, clientCert);
  try {
    return await runUac(relay.port, { scenario: 'core:uac-claims-tls-peer', extra: ['-t', 't1'] });
  } finally {
    await relay.close();
  }
}

it('classifies a TLS peer by the DNS name its verified certificate gives', async () => {
  const uas = await startUas('uas', 1);
  await sbc.activate(rules(uas.port));
  const before = sbc.cdrs().length;
  const uac = await callOverTls(pki.client);
  await uas.done;
  // The INVITE's answer (the BYE's 200 follows it).
  expect(startLines(messages(uac), /^SIP\/2\.0 [2-6]/)[0]).toBe('SIP/2.0 200 OK');
  expect((await sbc.cdrsAtLeast(before + 1)).at(-1)).toMatchObject({
    inboundTrunk: 'carrier',
    outboundTrunk: 'core',
    status: 200,
  });
  // The edge's header is for the core alone: it never reaches the far end.
  expect(messages(await uas.done)).not.toMatch(/X-SBC-TLS-Peer/i);
}, 40_000);

it('does not take a name a peer only claims in X-SBC-TLS-Peer', async () => {
  const uasPort = await freePort();
  await sbc.activate(rules(uasPort));
  const before = sbc.cdrs().length;
  const uac = await callOverTls(undefined);
  // Without a certificate the caller is classified by address (trunk core), which has no route.
  expect(startLines(messages(uac), /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 404 No Route']);
  expect((await sbc.cdrsAtLeast(before + 1)).at(-1)).toMatchObject({ inboundTrunk: 'core', status: 404 });
}, 40_000);
