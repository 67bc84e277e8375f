import path from 'node:path';

/** The repository root, one level above this file (config/, migrations/ and out/ are resolved against it, not the working directory). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export function resolveFromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(PROJECT_ROOT, p);
}
