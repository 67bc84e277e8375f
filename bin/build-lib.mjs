// Shared by bin/build.mjs and bin/envwatch.mjs: where the compiled code lives and how we tell it is current.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');
/** Written last by a build that succeeded; its mtime is the moment the compiled tree was complete. */
export const STAMP_NAME = 'BUILD_STAMP';
/** The directories compiled into dist/ (tsconfig.build.json `include`). */
export const SOURCE_DIRS = ['config', 'services', 'workers'];
/** Files whose change makes dist/ stale: the compiled sources and what the build copies or imports. */
const SOURCE_FILE = /\.(ts|json|css)$/;

/** The newest mtime (ms) among the compiled sources; a stat walk of ~350 files, a few milliseconds. */
export function newestSourceMtime(root = ROOT) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (SOURCE_FILE.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of [...SOURCE_DIRS.map((d) => path.join(root, d)), path.join(root, 'tsconfig.json')]) {
    const s = statSync(d, { throwIfNoEntry: false });
    if (s?.isDirectory()) walk(d);
    else if (s) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

/** 'current' when dist/ was built after the last source change, 'stale' when a source is newer, else 'missing'. */
export function distState(root = ROOT, dist = path.join(root, 'dist')) {
  const stamp = statSync(path.join(dist, STAMP_NAME), { throwIfNoEntry: false });
  if (!stamp) return 'missing';
  return newestSourceMtime(root) > stamp.mtimeMs ? 'stale' : 'current';
}
