import type { Block, Expr, Stmt, Target } from '../ast.ts';
import { diag } from '../diagnostics.ts';
import { type FieldDef, membersOf, ROOTS, rootMembers } from '../fields.ts';
import { blockTerminates } from '../flow.ts';
import { FAILOVER_PROPS, MEDIA_PROPS } from '../schemas.ts';
import { didYouMean } from '../suggest.ts';
import { assignable, BOOL, ENUMS, ERROR, isOptional, STRING, show, type Type, unwrap } from '../types.ts';
import { checkRecord } from './check-config.ts';
import type { ExprChecker } from './check-expr.ts';
import { type Action, ALLOWED, describe, describeHook, HEADER_NAME, MANAGED_HEADERS } from './hook-policy.ts';
import { absentFacts, presentFacts } from './narrowing.ts';

/** Statement checks (docs/language.md §7) for one handler body. */
export class StmtChecker {
  private readonly x: ExprChecker;

  constructor(x: ExprChecker) {
    this.x = x;
  }

  private get out() {
    return this.x.out;
  }

  block(b: Block): void {
    const saved = new Set(this.x.narrowed);
    for (const s of b.stmts) this.stmt(s);
    this.x.narrowed = saved;
  }

  private allow(action: Action, s: Stmt, what: string): boolean {
    const h = this.x.hook;
    if (!h) return true;
    const key =
      h.kind !== 'request'
        ? h.kind
        : h.direction === 'to'
          ? 'request-out'
          : h.inDialog
            ? 'request-dialog'
            : 'request-in';
    let ok = ALLOWED[key]!.includes(action);
    if (ok && action === 'media' && h.kind === 'request')
      ok = h.methods.every((m) => m === 'INVITE' || m === 'UPDATE');
    if (ok && action === 'reply' && h.kind === 'request' && h.methods.includes('ACK')) ok = false;
    if (!ok)
      this.out.push(
        diag(
          'E405',
          s.loc,
          `${what} is not allowed in ${describeHook(key, h.methods)}`,
          `see docs/language.md §7.1 for what each hook may do`,
        ),
      );
    return ok;
  }

  stmt(s: Stmt): void {
    switch (s.kind) {
      case 'let': {
        const t = this.x.check(s.value);
        if (t.k === 'table') {
          this.out.push(
            diag(
              'E400',
              s.value.loc,
              'a table or parameter list is not a value',
              'look one entry up instead: name[key]',
            ),
          );
          this.x.info.lets.set(s, ERROR);
          return;
        }
        if (s.orElse) {
          if (!isOptional(t) && t.k !== 'error')
            this.out.push(
              diag(
                'W503',
                s.value.loc,
                'this value is never absent, so the else branch never runs',
                'remove the else branch',
              ),
            );
          this.block(s.orElse);
          if (!blockTerminates(s.orElse))
            this.out.push(
              diag(
                'E408',
                s.orElse.loc,
                'the else branch of let must end with reject, reply, route or stop',
                `without it '${s.name.name}' would have no value`,
              ),
            );
          this.x.info.lets.set(s, unwrap(t));
        } else this.x.info.lets.set(s, t);
        return;
      }
      case 'if': {
        for (const br of s.branches) {
          this.x.expect(br.cond, BOOL, 'the condition');
          const saved = new Set(this.x.narrowed);
          for (const k of presentFacts(br.cond)) this.x.narrowed.add(k);
          this.block(br.body);
          this.x.narrowed = saved;
        }
        if (s.otherwise) this.block(s.otherwise);
        // `if not has(x) { reject … }` proves x present for the rest of the block.
        const only = s.branches[0];
        if (s.branches.length === 1 && !s.otherwise && only && blockTerminates(only.body))
          for (const k of absentFacts(only.cond)) this.x.narrowed.add(k);
        return;
      }
      case 'set': {
        // Call variables may be set in every hook; only message edits depend on the hook (§7.1).
        const t = s.target;
        const isVar =
          t.kind === 'path' && t.expr.kind === 'name' && this.x.symbols.bindings.get(t.expr)?.kind === 'var';
        if (!isVar && !this.allow('edit', s, `'${s.mode}'`)) return;
        this.assign(s.mode, s.target, s.value);
        return;
      }
      case 'remove':
        if (!this.allow('edit', s, "'remove'")) return;
        if (s.target.kind === 'header') this.headerTarget(s.target);
        else {
          const f = this.field(s.target.expr);
          if (f && !f.removable && !this.readOnly(f, s.target.expr))
            this.out.push(
              diag(
                'E402',
                s.target.loc,
                `'${describe(s.target.expr)}' cannot be removed`,
                'only headers, parameters, pai/ppi and display names can be removed',
              ),
            );
        }
        return;
      case 'removeHeaders':
        if (this.allow('edit', s, "'remove'")) this.x.regex(s.pattern);
        return;
      case 'replace': {
        if (!this.allow('edit', s, "'replace'")) return;
        if (s.target.kind === 'header') this.headerTarget(s.target);
        else this.writableField(s.target.expr, STRING);
        if (s.pattern.kind === 'regex') this.x.regex(s.pattern);
        this.x.expect(s.replacement, STRING, 'the replacement');
        return;
      }
      case 'reject':
      case 'reply': {
        this.allow(s.kind, s, `'${s.kind}'`);
        const [lo, hi] = s.kind === 'reject' ? [300, 699] : [200, 699];
        if (s.code.kind === 'int' && (s.code.value < lo || s.code.value > hi))
          this.out.push(
            diag(
              'E406',
              s.code.loc,
              `${s.kind} needs a status code from ${lo} to ${hi}, not ${s.code.value}`,
              s.kind === 'reject' && s.code.value < 300 ? 'use reply for 2xx answers' : undefined,
            ),
          );
        if (s.reason) this.x.expect(s.reason, STRING, 'the reason phrase');
        return;
      }
      case 'route':
        this.allow('route', s, "'route'");
        if (s.failover) checkRecord(this.x, s.failover, FAILOVER_PROPS, 'failover');
        return;
      case 'media': {
        this.allow('media', s, "'media'");
        if (!ENUMS.Leg.includes(s.leg.name))
          this.out.push(
            diag(
              'E306',
              s.leg.loc,
              `'${s.leg.name}' is not a leg`,
              didYouMean(s.leg.name, ENUMS.Leg) ?? 'use inbound or outbound',
            ),
          );
        checkRecord(this.x, s.policy, MEDIA_PROPS, 'media');
        return;
      }
      case 'log':
        if (s.level && !ENUMS.LogLevel.includes(s.level.name))
          this.out.push(
            diag(
              'E306',
              s.level.loc,
              `'${s.level.name}' is not a log level`,
              didYouMean(s.level.name, ENUMS.LogLevel),
            ),
          );
        this.x.expect(s.message, STRING, 'the log message');
        return;
      case 'count':
      case 'stop':
        return;
    }
  }

  private assign(mode: 'set' | 'add' | 'default', target: Target, value: Expr): void {
    if (target.kind === 'header') {
      this.headerTarget(target);
      this.x.expect(value, STRING, 'a header value');
      return;
    }
    if (mode !== 'set') {
      this.x.check(target.expr);
      this.x.check(value);
      this.out.push(
        diag('E400', target.loc, `'${mode}' applies to headers only`, `write: ${mode} header "Name" = …`),
      );
      return;
    }
    const f = this.field(target.expr);
    if (!f) {
      this.x.check(value);
      return;
    }
    const want = unwrap(f.type);
    if (this.readOnly(f, target.expr)) this.x.check(value, want);
    else if (this.x.expect(value, want, `the new value of '${describe(target.expr)}'`)) {
      this.statusChange(target.expr, value);
      this.fieldValue(target.expr, value);
    }
  }

  /** Ports are 1-65535. */
  private fieldValue(target: Expr, value: Expr): void {
    const path = describe(target);
    if (path.endsWith('.port') && value.kind === 'int' && (value.value < 1 || value.value > 65535))
      this.out.push(diag('E004', value.loc, `${value.value} is not a port (1-65535)`, undefined));
  }

  /** A response keeps its class: 180 may become 183, not 200 (a 2xx needs the far end's answer). */
  private statusChange(target: Expr, value: Expr): void {
    if (describe(target) !== 'response.status' || value.kind !== 'int') return;
    const classes = new Set((this.hookStatuses ?? []).map((s) => s[0]));
    const ok =
      value.value >= 100 && value.value <= 699 && (classes.size !== 1 || classes.has(String(value.value)[0]));
    if (!ok)
      this.out.push(
        diag(
          'E406',
          value.loc,
          `a response handled here can only change to another ${[...classes][0] ?? '1-6'}xx code, not ${value.value}`,
          'to fail the call, handle it in on failure',
        ),
      );
  }

  /** Status selectors of the response hook being checked ('180', '18x'), set by the type checker. */
  hookStatuses: string[] | undefined;

  private headerTarget(t: Extract<Target, { kind: 'header' }>): void {
    if (t.name.kind !== 'string') return;
    const n = t.name.value;
    if (!HEADER_NAME.test(n))
      this.out.push(
        diag(
          'E004',
          t.name.loc,
          `'${n}' is not a valid header name`,
          'header names are letters, digits and - (RFC 3261 §25.1)',
        ),
      );
    else if (MANAGED_HEADERS.has(n.toLowerCase()))
      this.out.push(
        diag(
          'E402',
          t.name.loc,
          `the ${n} header is managed by the SBC and cannot be changed by rules`,
          undefined,
        ),
      );
  }

  /** Resolve a target path to its field definition, reporting unknown and non-path targets. */
  private field(e: Expr): FieldDef | undefined {
    const t = this.x.check(e);
    if (t.k === 'error') return undefined;
    if (e.kind === 'name') {
      const b = this.x.symbols.bindings.get(e);
      if (b?.kind === 'var') return { type: t, writable: true, doc: '' };
      if (b?.kind === 'root') return ROOTS[e.name];
      if (b?.kind === 'local') {
        this.out.push(
          diag(
            'E402',
            e.loc,
            `'${e.name}' is a let value and cannot be changed`,
            `declare it at the top with 'var ${e.name} = …' to change it`,
          ),
        );
        return undefined;
      }
    }
    if (e.kind === 'member') {
      const parent = this.parentDef(e.object);
      const members =
        e.object.kind === 'name' && ROOTS[e.object.name]
          ? rootMembers(e.object.name)
          : parent
            ? membersOf(unwrap(parent.type))
            : undefined;
      const def = members?.[e.name.name];
      if (parent && def)
        return {
          ...def,
          requestOnly: parent.requestOnly ?? false,
          writable: def.writable === true && parent.writable !== false,
        };
    }
    if (e.kind === 'index' && e.object.kind === 'member' && e.object.name.name === 'params') {
      const parent = this.parentDef(e.object.object);
      const el = rootMembers('ruri')!.params!.element!;
      const owner = e.object.object;
      // The From/To tags identify the dialog; the SBC owns them (RFC 3261 §19.3).
      if (
        e.index.kind === 'string' &&
        e.index.value.toLowerCase() === 'tag' &&
        owner.kind === 'name' &&
        (owner.name === 'from' || owner.name === 'to')
      ) {
        this.out.push(diag('E402', e.loc, `the ${owner.name} tag is managed by the SBC`, undefined));
        return undefined;
      }
      if (parent) return { ...el, requestOnly: parent.requestOnly ?? false };
    }
    this.out.push(
      diag(
        'E402',
        e.loc,
        `'${describe(e)}' is not a field that can be changed`,
        'change a SIP field (ruri.user, from.host, …), a header, or a var',
      ),
    );
    return undefined;
  }

  private parentDef(e: Expr): FieldDef | undefined {
    if (e.kind === 'name') return this.x.symbols.bindings.get(e)?.kind === 'root' ? ROOTS[e.name] : undefined;
    if (e.kind === 'member') {
      const p = this.parentDef(e.object);
      const members =
        e.object.kind === 'name' && ROOTS[e.object.name]
          ? rootMembers(e.object.name)
          : p
            ? membersOf(unwrap(p.type))
            : undefined;
      const d = members?.[e.name.name];
      return p && d ? { ...d, requestOnly: p.requestOnly ?? false, writable: d.writable ?? true } : undefined;
    }
    return undefined;
  }

  private readOnly(f: FieldDef, e: Expr): boolean {
    const h = this.x.hook;
    if (f.requestOnly && h && h.kind !== 'request') {
      this.out.push(
        diag(
          'E402',
          e.loc,
          `'${describe(e)}' is read-only in a ${h.kind} handler`,
          'change the request in an `on request` handler',
        ),
      );
      return true;
    }
    if (!f.writable) {
      this.out.push(diag('E402', e.loc, `'${describe(e)}' is read-only`, undefined));
      return true;
    }
    return false;
  }

  private writableField(e: Expr, want?: Type): Type | undefined {
    const f = this.field(e);
    if (!f || this.readOnly(f, e)) return undefined;
    if (want && !assignable(want, unwrap(f.type))) {
      this.out.push(diag('E400', e.loc, `'${describe(e)}' is ${show(f.type)}, not ${show(want)}`, undefined));
      return undefined;
    }
    return f.type;
  }
}
