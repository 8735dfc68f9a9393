import type { NameAddrSnapshot, UriSnapshot } from '../../../dsl/effects.ts';
import {
  formatNameAddr,
  formatSipUri,
  type NameAddr,
  type Param,
  parseNameAddr,
  parseUri,
  type Uri,
} from '../../edge/sip/index.ts';

/**
 * Field edits on URIs and addresses (`set ruri.user`, `set from.display`, `remove ruri.params["user"]`):
 * parse the current text with the edge's parser, change one part, write it back. Parts not touched
 * keep their spelling.
 */
export class EditError extends Error {}

function setParam(list: Param[], key: string, value: string | null): Param[] {
  const k = key.toLowerCase();
  const out = list.filter((p) => p.key !== k);
  if (value !== null) out.push({ name: key, key: k, value: value === '' ? null : value });
  return out;
}

/** Edits a URI; `path` is relative to the URI (['user'], ['params', 'transport']). `value` null removes. */
export function editUri(text: string, path: string[], value: string | number | null): string {
  const r = parseUri(text);
  if (!r.ok) throw new EditError(`cannot edit URI '${text}': ${r.reason}`);
  const u: Uri = r.value;
  const [part, key] = path;
  if (u.kind === 'tel') {
    if (part === 'user' && typeof value === 'string') return `tel:${value}${paramText(u.params)}`;
    if (part === 'params' && key !== undefined)
      return `tel:${u.number}${paramText(setParam(u.params, key, value === null ? null : String(value)))}`;
    throw new EditError(`cannot set ${path.join('.')} of a tel URI`);
  }
  if (u.kind !== 'sip') throw new EditError(`cannot edit a ${u.scheme} URI`);
  const next = { ...u };
  if (part === 'user') next.user = value === null ? null : String(value);
  else if (part === 'host' && typeof value === 'string') next.host = value;
  else if (part === 'port') next.port = value === null ? null : Number(value);
  else if (part === 'params' && key !== undefined)
    next.params = setParam(u.params, key, value === null ? null : String(value));
  else throw new EditError(`cannot set URI field ${path.join('.')}`);
  return formatSipUri(next);
}

function paramText(params: readonly Param[]): string {
  return params.map((p) => (p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`)).join('');
}

export function parseAddress(text: string, what: string): NameAddr {
  const r = parseNameAddr(text, what);
  if (!r.ok) throw new EditError(`cannot edit ${what}: ${r.reason}`);
  return r.value;
}

/** Edits a name-addr; `path` is relative to it (['display'], ['uri', 'user'], ['params', 'tag']). */
export function editAddress(
  text: string,
  what: string,
  path: string[],
  value: string | number | null,
): string {
  const a = parseAddress(text, what);
  const [part, ...rest] = path;
  if (part === 'display') return formatNameAddr(value === null ? null : String(value), a.uri.raw, a.params);
  if (part === 'uri') return formatNameAddr(a.displayName, editUri(a.uri.raw, rest, value), a.params);
  if (part === 'params' && rest[0] !== undefined)
    return formatNameAddr(
      a.displayName,
      a.uri.raw,
      setParam(a.params, rest[0], value === null ? null : String(value)),
    );
  throw new EditError(`cannot set ${what} field ${path.join('.')}`);
}

function uriText(u: UriSnapshot): string {
  const params = Object.entries(u.params)
    .map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`))
    .join('');
  if (u.scheme === 'tel') return `tel:${u.user}${params}`;
  const user = u.user === '' ? '' : `${u.user}@`;
  return `${u.scheme}:${user}${u.host}${u.port === undefined ? '' : `:${u.port}`}${params}`;
}

/**
 * A whole address assigned by a rule (`set pai = from`). The tag is a dialog identifier of the header
 * it came from (RFC 3261 §19.3), so it is not copied into another header.
 */
export function addressText(a: NameAddrSnapshot, keepTag: boolean): string {
  const params: Param[] = Object.entries(a.params)
    .filter(([k]) => keepTag || k !== 'tag')
    .map(([k, v]) => ({ name: k, key: k, value: v === '' ? null : v }));
  return formatNameAddr(a.display ?? null, uriText(a.uri), params);
}

/** Sets or removes one parameter of every line of a header (`set header "Contact" param "transport"`). */
export function editHeaderParam(value: string, param: string, to: string | null): string {
  // Header parameters follow the address ('>' closes it) or the first token of other headers.
  const close = value.lastIndexOf('>');
  const cut = close >= 0 ? close + 1 : value.indexOf(';') < 0 ? value.length : value.indexOf(';');
  const head = value.slice(0, cut);
  const list = value
    .slice(cut)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const k = param.toLowerCase();
  const kept = list.filter((p) => p.split('=')[0]!.trim().toLowerCase() !== k);
  if (to !== null) kept.push(to === '' ? param : `${param}=${to}`);
  return head + kept.map((p) => `;${p}`).join('');
}
