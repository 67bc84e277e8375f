#!/usr/bin/env node
// The `envwatch` command. Runs the compiled code in dist/ (`npm run build`) when it is current; otherwise — a
// fresh clone, or a source edited after the last build — runs the TypeScript through tsx, as in development.
// "Current" = dist/BUILD_STAMP (written last by a successful build) is newer than every source file under
// config/, services/ and workers/ (bin/build-lib.mjs); checking that costs a few milliseconds.
import { distState } from './build-lib.mjs';

const state = distState();
if (state === 'current') {
  await import('../dist/services/cli/main.js');
} else {
  if (state === 'stale') {
    process.stderr.write(
      'envwatch: dist/ is older than the sources; running them through tsx (npm run build)\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../services/cli/main.ts');
}
