// The app's modules for a test's child process, loaded the way bin/envwatch.mjs loads the CLI: from dist/ when
// it is current (CI runs `npm run build` before `npm test`), else — a fresh checkout, or a source edited since
// the last build — through tsx. A child that only needs the app (not tsx itself) then starts in about half the
// time on CI: loading the whole app through tsx took 46–57 s against 24–31 s compiled at load ~27.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { distState, ROOT } from '../../bin/build-lib.mjs';

export const compiled = distState() === 'current';
if (!compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}

/** Imports a module of the app by its path from the project root without extension ('config/env'). */
export function importApp(modulePath) {
  const file = compiled ? path.join(ROOT, 'dist', `${modulePath}.js`) : path.join(ROOT, `${modulePath}.ts`);
  return import(pathToFileURL(file).href);
}
