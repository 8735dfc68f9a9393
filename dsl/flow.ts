import type { Block, Stmt } from './ast.ts';

/** Does this statement always end the handler? (reject, reply, route, stop; or an if whose every branch does). */
export function terminates(s: Stmt): boolean {
  switch (s.kind) {
    case 'reject':
    case 'reply':
    case 'route':
    case 'stop':
      return true;
    case 'if':
      return (
        s.otherwise !== undefined &&
        blockTerminates(s.otherwise) &&
        s.branches.every((b) => blockTerminates(b.body))
      );
    default:
      return false;
  }
}

export function blockTerminates(b: Block): boolean {
  return b.stmts.some(terminates);
}
