import type { Expr, Ident, Property } from '../ast.ts';
import { diag } from '../diagnostics.ts';
import { checkIpv4, isIpv6 } from '../literals.ts';
import type { PropDef } from '../schemas.ts';
import { didYouMean } from '../suggest.ts';
import { ENUMS, type Type } from '../types.ts';
import type { ExprChecker } from './check-expr.ts';

/**
 * Checks of declaration properties and configuration records (docs/language.md §6): trunk and
 * group properties, media policy, OPTIONS keepalive, failover. Values must be constants.
 */
export function checkProps(
  x: ExprChecker,
  props: Property[],
  schema: Record<string, PropDef>,
  owner: Ident,
  what: string,
): void {
  checkEntries(
    x,
    props.map((p) => ({ key: p.key, value: p.value })),
    schema,
    what,
  );
  for (const [name, def] of Object.entries(schema)) {
    if (def.required && !props.some((p) => p.key.name === name))
      x.out.push(
        diag(
          'E309',
          owner.loc,
          `${what} '${owner.name}' needs '${name}'`,
          `add: ${name} ${name === 'peers' ? '["host:port"]' : '[...]'}`,
        ),
      );
  }
}

export function checkRecord(x: ExprChecker, e: Expr, schema: Record<string, PropDef>, what: string): void {
  if (e.kind !== 'record') {
    x.out.push(diag('E400', e.loc, `${what} must be written as { key: value, … }`, undefined));
    return;
  }
  checkEntries(x, e.entries, schema, what);
}

function checkEntries(
  x: ExprChecker,
  entries: { key: Ident; value: Expr }[],
  schema: Record<string, PropDef>,
  what: string,
): void {
  const seen = new Set<string>();
  for (const { key, value } of entries) {
    const def = schema[key.name];
    if (!def) {
      x.out.push(
        diag(
          'E307',
          key.loc,
          `unknown ${what} property '${key.name}'`,
          didYouMean(key.name, Object.keys(schema)) ?? `properties: ${Object.keys(schema).join(', ')}`,
        ),
      );
      continue;
    }
    if (seen.has(key.name)) {
      x.out.push(diag('E301', key.loc, `'${key.name}' is given twice`, 'keep one'));
      continue;
    }
    seen.add(key.name);
    checkValue(x, value, def, key.name);
  }
}

function checkValue(x: ExprChecker, value: Expr, def: PropDef, key: string): void {
  if (def.record) {
    checkRecord(x, value, def.record, key);
    return;
  }
  if (typeof def.type !== 'string') {
    if (!isConstant(value)) notConstant(x, value, key);
    else x.expect(value, def.type as Type, `'${key}'`);
    return;
  }
  if (def.type === 'group' || def.type === 'trunk-list') {
    const ok =
      def.type === 'group'
        ? value.kind === 'name'
        : value.kind === 'list' && value.items.every((i) => i.kind === 'name');
    if (!ok)
      x.out.push(
        diag(
          'E400',
          value.loc,
          def.type === 'group'
            ? `'${key}' must name a route group`
            : `'${key}' must be a list of trunk names`,
          undefined,
        ),
      );
    return;
  }
  if (value.kind !== 'list') {
    x.check(value);
    x.out.push(diag('E400', value.loc, `'${key}' must be a list [ … ]`, undefined));
    return;
  }
  for (const item of value.items) {
    if (def.type === 'peer-list') {
      const problem =
        item.kind === 'string' ? peerProblem(item.value) : 'a peer is written as a string "host:port"';
      if (problem)
        x.out.push(
          diag('E407', item.loc, problem, 'e.g. "162.12.233.59:5061" or "sip.pstnhub.microsoft.com:5061"'),
        );
    } else if (def.type === 'source-list') {
      if (item.kind !== 'ip' && item.kind !== 'cidr' && item.kind !== 'error')
        x.out.push(
          diag('E400', item.loc, 'sources are IP addresses or CIDR ranges like 10.0.0.0/8', undefined),
        );
    } else if (def.type === 'failover-causes') {
      failoverCause(x, item);
    }
  }
}

function failoverCause(x: ExprChecker, item: Expr): void {
  if (item.kind === 'int') {
    if (item.value < 300 || item.value > 699)
      x.out.push(diag('E406', item.loc, `${item.value} is not a failure status (300-699)`, undefined));
  } else if (item.kind === 'status') {
    if (item.value[0]! < '3')
      x.out.push(diag('E406', item.loc, `${item.value} is not a failure class (3xx-6xx)`, undefined));
  } else if (item.kind === 'name') {
    if (ENUMS.FailCause.includes(item.name))
      x.info.enumValues.set(item, { enum: 'FailCause', value: item.name });
    else
      x.out.push(
        diag(
          'E306',
          item.loc,
          `'${item.name}' is not a failover cause`,
          didYouMean(item.name, ENUMS.FailCause) ?? 'use a status code, a class like 5xx, or timeout',
        ),
      );
  } else if (item.kind !== 'error') {
    x.out.push(
      diag('E400', item.loc, 'failover causes are status codes (503), classes (5xx) or timeout', undefined),
    );
  }
}

export function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'list':
      return e.items.every(isConstant);
    case 'record':
      return e.entries.every((en) => isConstant(en.value));
    case 'paren':
      return isConstant(e.expr);
    case 'name':
    case 'string':
    case 'int':
    case 'bool':
    case 'duration':
    case 'ip':
    case 'cidr':
    case 'e164':
    case 'status':
    case 'regex':
    case 'error':
      return true;
    default:
      return false;
  }
}

function notConstant(x: ExprChecker, value: Expr, key: string): void {
  x.out.push(
    diag(
      'E400',
      value.loc,
      `'${key}' must be a constant value`,
      'configuration is fixed when the rule set loads',
    ),
  );
}

/** "host", "host:port", "[v6]:port"; host is IPv4, bracketed IPv6 or a DNS name. */
export function peerProblem(text: string): string | undefined {
  let host = text;
  let port: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (v6) {
    if (!isIpv6(v6[1]!)) return `'${v6[1]}' is not an IPv6 address`;
    port = v6[2];
  } else {
    const i = text.lastIndexOf(':');
    if (i >= 0) {
      host = text.slice(0, i);
      port = text.slice(i + 1);
    }
    const isIp = /^[0-9.]+$/.test(host);
    if (isIp && checkIpv4(host)) return `'${host}' is not an IPv4 address`;
    if (
      !isIp &&
      !/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
        host,
      )
    )
      return `'${host}' is not a host name or IP address`;
  }
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return `'${port}' is not a port (1-65535)`;
  return undefined;
}
