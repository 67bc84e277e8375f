#!/usr/bin/env node
// `npm run build [-- --out-dir DIR]`: compiles config/, services/ and workers/ into dist/ (tsconfig.build.json),
// copies the files the code reads beside itself at run time (the web stylesheet; tsc already copies the JSON it
// imports), then writes BUILD_STAMP. The stamp is removed first, so an interrupted or failed build is never
// taken for current by bin/envwatch.mjs. --out-dir (inside the project, so config/paths finds the root) lets a
// test build beside the real dist/ without disturbing it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DIST, ROOT, STAMP_NAME } from './build-lib.mjs';

/** Non-TypeScript files the code reads via import.meta.dirname, relative to the project root. */
const ASSETS = ['services/web/assets'];

const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const out = values['out-dir'] ? path.resolve(values['out-dir']) : DIST;
const stamp = path.join(out, STAMP_NAME);
rmSync(stamp, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const args = [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const dir of ASSETS) cpSync(path.join(ROOT, dir), path.join(out, dir), { recursive: true });
mkdirSync(out, { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
