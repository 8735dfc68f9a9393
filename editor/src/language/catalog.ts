/**
 * What the editor knows about the language, taken from the compiler itself (dsl/) so completion
 * and hover never disagree with the checker: keywords, fields with their docs, built-in functions,
 * enumerations and the properties of trunks, groups and their records.
 */
import { FUNCTIONS } from '../../../dsl/builtins.ts';
import { type FieldDef, membersOf, ROOTS } from '../../../dsl/fields.ts';
import { KEYWORDS } from '../../../dsl/lexer.ts';
import {
  FAILOVER_PROPS,
  GROUP_PROPS,
  MEDIA_PROPS,
  OPTIONS_PROPS,
  type PropDef,
  TRUNK_PROPS,
} from '../../../dsl/schemas.ts';
import { ENUMS, show, type Type } from '../../../dsl/types.ts';

export { ENUMS, FUNCTIONS, KEYWORDS, ROOTS };

export const BLOCK_PROPS: Record<string, Record<string, PropDef>> = {
  trunk: TRUNK_PROPS,
  group: GROUP_PROPS,
  media: MEDIA_PROPS,
  options: OPTIONS_PROPS,
  failover: FAILOVER_PROPS,
};

/** Headers engineers edit most on the interconnects the SBC serves (seeds: Zoom, Teams, carriers). */
export const COMMON_HEADERS = [
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Remote-Party-ID',
  'Privacy',
  'Diversion',
  'History-Info',
  'Reason',
  'User-Agent',
  'Server',
  'Allow',
  'Supported',
  'Require',
  'Contact',
  'X-MS-SBC',
  'X-MS-FMC',
  'X-MS-Teams-Tenant-ID',
  'X-Customer',
  'X-Zoom-Tenant',
] as const;

/** The members of `path` (e.g. ['from', 'uri']) or undefined when the path names no record. */
export function membersAt(path: readonly string[]): Record<string, FieldDef> | undefined {
  const [root, ...rest] = path;
  const def = root === undefined ? undefined : ROOTS[root];
  if (!def) return undefined;
  let members = def.members ?? membersOf(def.type.k === 'optional' ? def.type.of : def.type);
  for (const name of rest) {
    const next = members?.[name];
    if (!next) return undefined;
    const t = next.type.k === 'optional' ? next.type.of : next.type;
    members = membersOf(t);
  }
  return members;
}

/** The field at a full path (`from.uri.user`), with its doc. */
export function fieldAt(path: readonly string[]): FieldDef | undefined {
  if (path.length === 1) return ROOTS[path[0]!];
  return membersAt(path.slice(0, -1))?.[path[path.length - 1]!];
}

export function typeText(t: Type): string {
  return show(t);
}

/** Markdown for a field: its type, whether rules may write it, and its doc. */
export function fieldDoc(path: readonly string[], def: FieldDef): string {
  const access = def.writable ? (def.removable ? 'writable, removable' : 'writable') : 'read-only';
  const where = def.hooks ? ` — only in \`on ${def.hooks.join('`/`on ')}\` handlers` : '';
  return `**${path.join('.')}**: \`${show(def.type)}\` (${access})${where}\n\n${def.doc}`;
}

export function functionSignature(name: string): string | undefined {
  const f = FUNCTIONS[name];
  if (!f) return undefined;
  const params = f.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${show(p.type)}`).join(', ');
  return `${name}(${params}) -> ${show(f.result)}`;
}

export function functionDoc(name: string): string | undefined {
  const sig = functionSignature(name);
  return sig && `\`${sig}\`\n\n${FUNCTIONS[name]!.doc}`;
}

export function propDoc(block: string, key: string): string | undefined {
  const def = BLOCK_PROPS[block]?.[key];
  if (!def) return undefined;
  const type = typeof def.type === 'string' ? def.type : show(def.type);
  return `**${key}** (${block}): \`${type}\`${def.required ? ' — required' : ''}\n\n${def.doc}`;
}

/** Enumeration values a property accepts (`transport` → udp, tcp, tls), if it takes one. */
export function enumValuesOf(def: PropDef | FieldDef | undefined): readonly string[] {
  if (!def || typeof def.type === 'string') return [];
  let t = def.type;
  if (t.k === 'list') t = t.of;
  return t.k === 'enum' ? ENUMS[t.name] : [];
}
