import { BOOL, DURATION, enumType, INT, listOf, STATUS, STRING, type Type } from './types.ts';
import { lookupTable } from './lookup-table.ts';

/**
 * Properties of declarations and of the media/options/failover records (docs/language.md §6).
 * `ref` properties name other declarations and are resolved by the resolve-names stage.
 */
export interface PropDef {
  type: Type | 'trunk-list' | 'group' | 'failover-causes' | 'peer-list' | 'source-list';
  required?: boolean;
  record?: Record<string, PropDef>;
  doc: string;
}

export const MEDIA_PROPS: Record<string, PropDef> = lookupTable({
  codecs: { type: listOf(enumType('Codec')), doc: 'offered codecs, in order of preference' },
  strip: { type: listOf(enumType('Codec')), doc: 'codecs removed from offers' },
  srtp: { type: enumType('Srtp'), doc: 'off, optional or required on this leg' },
  ptime: { type: DURATION, doc: 'packetisation time, e.g. 20ms' },
  maxptime: { type: DURATION, doc: 'largest packetisation time accepted' },
  dtmf: { type: enumType('Dtmf'), doc: 'DTMF method on this leg: rfc2833, info, inband or none' },
  transcode: { type: BOOL, doc: 'media may be transcoded when no common codec exists' },
  ringback: { type: enumType('Ringback'), doc: 'relay the far end, inject a local tone, or none' },
  comfort_noise: { type: BOOL, doc: 'generate comfort noise during silence' },
  strip_attributes: { type: listOf(STRING), doc: 'SDP attributes (a= lines, by name) removed on this leg' },
});

export const OPTIONS_PROPS: Record<string, PropDef> = lookupTable({
  enabled: { type: BOOL, doc: 'send OPTIONS keepalives (default true when options is given)' },
  interval: { type: DURATION, doc: 'time between keepalives' },
  timeout: { type: DURATION, doc: 'time to wait for a reply' },
  down_after: { type: INT, doc: 'consecutive failures before the peer is marked down' },
  up_after: { type: INT, doc: 'consecutive successes before it is marked up again' },
});

export const FAILOVER_PROPS: Record<string, PropDef> = lookupTable({
  on: { type: 'failover-causes', doc: 'status codes, classes (5xx) or timeout that move to the next member' },
  retry: { type: INT, doc: 'extra attempts on the same peer before moving on' },
  timeout: { type: DURATION, doc: 'time without a provisional response before giving up on a peer' },
});

export const TRUNK_PROPS: Record<string, PropDef> = lookupTable({
  peers: { type: 'peer-list', required: true, doc: 'addresses "host:port" of the far end, tried in order' },
  transport: { type: enumType('Transport'), doc: 'udp, tcp or tls' },
  sources: { type: 'source-list', doc: 'addresses or CIDRs classified as this trunk (default: the peers)' },
  media: {
    type: { k: 'record', fields: {} },
    record: MEDIA_PROPS,
    doc: 'media policy of the leg facing this trunk',
  },
  options: { type: { k: 'record', fields: {} }, record: OPTIONS_PROPS, doc: 'OPTIONS keepalive' },
  failover: { type: { k: 'record', fields: {} }, record: FAILOVER_PROPS, doc: 'failover across peers' },
  prack: { type: enumType('Prack'), doc: '100rel: off, supported or required' },
  early_offer: { type: BOOL, doc: 'always send an SDP offer in the INVITE' },
  session_expires: { type: DURATION, doc: 'session timer (RFC 4028) to request' },
  min_se: { type: DURATION, doc: 'smallest session timer accepted' },
  max_calls: { type: INT, doc: 'concurrent call limit' },
  cps: { type: INT, doc: 'new calls per second limit' },
});

export const GROUP_PROPS: Record<string, PropDef> = lookupTable({
  members: { type: 'trunk-list', required: true, doc: 'trunks, tried in order' },
  policy: { type: enumType('GroupPolicy'), doc: 'ordered (default) or round_robin' },
  backup: { type: 'group', doc: 'group tried when every member failed' },
  failover: {
    type: { k: 'record', fields: {} },
    record: FAILOVER_PROPS,
    doc: 'when to move to the next member',
  },
});

export const STATUS_OR_INT: Type[] = [STATUS, INT, STRING];
