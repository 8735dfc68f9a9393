// Topology hiding of the far leg's INVITE (issue item 8) on real parsed messages.

import { describe, expect, it } from 'vitest';
import { parseSip } from '../../../src/core/sip/messages.ts';
import { MANAGED_REQUEST, passThroughHeaders } from '../../../src/core/sip/messages.ts';
import { arrivalHosts, hideTopology } from '../../../src/core/sip/topology.ts';

const INVITE = [
  'INVITE sip:+14085551212@192.0.2.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK-1',
  'From: "Alice" <sip:alice@10.1.1.1:5070>;tag=abc',
  'To: <sip:+14085551212@192.0.2.1>',
  'Call-ID: secret-call-id@10.1.1.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@10.1.1.1:5070>',
  'Record-Route: <sip:10.1.1.2;lr>',
  'X-Keep: yes',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const peer = { host: '198.51.100.7', port: 5061, transport: 'tls' as const };

describe('hideTopology', () => {
  it("points the request-URI at the peer and drops the caller's tags and hosts", () => {
    const msg = parseSip(INVITE);
    const arrival = arrivalHosts(msg);
    expect(hideTopology(msg, arrival, peer)).toEqual({});
    expect(msg.requestUriText).toBe('sip:+14085551212@198.51.100.7:5061;transport=tls');
    expect(msg.get('From')).toBe('"Alice" <sip:alice@localhost>');
    expect(msg.get('To')).toBe('<sip:+14085551212@198.51.100.7:5061>');
  });

  it('keeps a request-URI host a rule chose and sends through the peer as proxy', () => {
    const msg = parseSip(INVITE);
    const arrival = arrivalHosts(msg);
    msg.setRequestUri('sip:+14085551212@zoom.example.com');
    expect(hideTopology(msg, arrival, peer)).toEqual({ proxy: 'sip:198.51.100.7:5061;transport=tls' });
    expect(msg.requestUriText).toBe('sip:+14085551212@zoom.example.com');
  });

  it('lets no Via, Contact, Call-ID, Record-Route or tag cross in the pass-through headers', () => {
    const headers = passThroughHeaders(parseSip(INVITE), MANAGED_REQUEST);
    expect(headers).toEqual({ 'X-Keep': 'yes' });
  });
});
