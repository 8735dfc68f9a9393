/**
 * One rule-set version as the core runs it: the compiled program in its own
 * isolate (src/runtime), and what the core derives from its IR once at load
 * time — trunk classifier, route planner, trunks by name — so no call ever
 * re-reads the IR. Calls pin a version for their whole life (issue item 2).
 */
import { generate } from '../../../dsl/codegen/index.ts';
import { compile, type IrProgram, type IrTrunk } from '../../../dsl/index.ts';
import type { RuleSetRuntime, RuntimeOptions } from '../../runtime/index.ts';
import { RuleSetRuntime as Runtime } from '../../runtime/index.ts';
import type { RuleVersion } from '../../store/index.ts';
import { type PeerAddress, type PeerState, RoutePlanner } from '../routing/route-plan.ts';
import { TrunkClassifier } from '../trunks/classify.ts';

export class RuleSetLoadError extends Error {}

export class LoadedVersion {
  readonly number: number;
  readonly hash: string;
  readonly ir: IrProgram;
  readonly runtime: RuleSetRuntime;
  readonly classifier: TrunkClassifier;
  readonly planner: RoutePlanner;
  readonly trunks: ReadonlyMap<string, IrTrunk>;
  readonly handled: ReadonlySet<string>;
  /** Calls that started on this version and have not ended. */
  calls = 0;
  active = false;
  disposed = false;

  constructor(
    version: Pick<RuleVersion, 'version' | 'hash' | 'files' | 'entry'>,
    options: RuntimeOptions & { peerState: (peer: PeerAddress) => PeerState },
  ) {
    const compiled = compile(new Map(Object.entries(version.files)), { entry: version.entry });
    const firstError = compiled.diagnostics.find((d) => d.severity === 'error');
    if (compiled.ir === undefined || firstError) {
      throw new RuleSetLoadError(
        firstError
          ? `${firstError.file}:${firstError.line}:${firstError.column} ${firstError.message}`
          : 'does not compile',
      );
    }
    const generated = generate(compiled.ir);
    if (!generated.ok)
      throw new RuleSetLoadError(generated.diagnostics[0]?.message ?? 'code generation failed');
    const ir = compiled.ir;
    this.number = version.version;
    this.hash = version.hash;
    this.ir = ir;
    this.runtime = new Runtime(generated.compiled, {
      ...options,
      routeTargets: [...ir.trunks.map((t) => t.name), ...ir.groups.map((g) => g.name)],
    });
    this.classifier = new TrunkClassifier(ir.trunks);
    this.planner = new RoutePlanner(ir, { peerState: options.peerState });
    this.trunks = new Map(ir.trunks.map((t) => [t.name, t]));
    this.handled = handledEvents(ir);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runtime.close();
  }
}

/**
 * Which events have a handler at all, so the core skips the isolate call for
 * the rest (most rule sets have no response handler, and a call sees several
 * responses). Keys: `request:<in|out>:<dialog?>:<METHOD>`, `response`, `failure`.
 */
export function handledEvents(ir: IrProgram): Set<string> {
  const out = new Set<string>();
  for (const h of ir.handlers) {
    const hook = h.hook;
    if (hook.kind === 'request') {
      for (const m of hook.methods) out.add(`request:${hook.direction}:${hook.inDialog}:${m}`);
    } else out.add(hook.kind);
  }
  return out;
}
