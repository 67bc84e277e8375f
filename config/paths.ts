import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root: the nearest directory above this file that holds package.json. This file runs both as
 * config/paths.ts (tsx) and as dist/config/paths.js (the build), so "one level up" would be dist/ in the build;
 * config/, migrations/ and out/ are resolved against the root, not the working directory.
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);

export function resolveFromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(PROJECT_ROOT, p);
}
