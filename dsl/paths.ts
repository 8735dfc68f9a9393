/** Minimal POSIX path handling for imports; dsl/ cannot use node:path (it runs in browsers too). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : path.slice(0, i);
}

export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** Resolve an import path written in `fromFile` (relative to its folder unless absolute). */
export function resolveImport(fromFile: string, spec: string): string {
  if (spec.startsWith('/')) return normalize(spec);
  const dir = dirname(fromFile);
  return normalize(dir === '' ? spec : `${dir}/${spec}`);
}

export function basename(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
