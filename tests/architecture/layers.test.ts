/**
 * The direction of dependencies between the folders of services/ (docs/architecture.md, "Layers"), held
 * against the code: every import that crosses from one folder to another must be one the table allows.
 * A new folder has to be placed in the table before its imports pass, so the picture in the docs stays true.
 * `import type` may point one step further (rules name the target definition they are given), listed apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVICES = join(ROOT, 'services');

/**
 * What each folder may import (values and types), bottom to top. The edges sit on top: api (JSON), web (HTML
 * pages, above api: it uses api's views and auth hooks), runtime (wiring: the HTTP server, roles, contexts).
 */
const ALLOWED: Record<string, string[]> = {
  db: [],
  time: [],
  labels: [],
  standards: [],
  // Issue 15: the ECharts module shared by reports (and their e-mails) and the dashboard: data in, SVG/PNG out.
  charts: ['standards'],
  migrate: ['db'],
  metrics: ['db'],
  outbox: ['db'],
  auth: ['db'],
  reference: ['db', 'time'],
  store: ['db', 'standards', 'time'],
  ingest: ['db', 'metrics', 'reference', 'store', 'time'],
  rules: ['db', 'labels', 'standards', 'time'],
  targets: ['db', 'outbox', 'reference', 'rules', 'time'],
  notify: ['db', 'labels', 'outbox', 'time'],
  alerts: ['db', 'labels', 'notify', 'outbox', 'time'],
  // reports → rules: a street/town's year-to-date figure is computed by the rules' own window statistics, so the
  // report and the evaluation never print two numbers for one thing (issue 15).
  reports: ['charts', 'db', 'labels', 'rules', 'standards', 'time'],
  // The plans' task rows and their monthly progress (issue 16): beside targets; the progress verb checks the
  // principal's unit (auth) and writes its audit row in the same transaction.
  tasks: ['auth', 'db', 'labels', 'reference', 'targets', 'time'],
  // Stations and HJ 212 devices users register (issue 18): above ingest, whose device settings it validates.
  registry: ['auth', 'db', 'ingest', 'reference', 'time'],
  api: [
    'alerts',
    'auth',
    'db',
    'ingest',
    'labels',
    'metrics',
    'outbox',
    'reference',
    'registry',
    'reports',
    'standards',
    'targets',
    'tasks',
    'time',
  ],
  web: ['alerts', 'api', 'auth', 'charts', 'ingest', 'labels', 'outbox', 'reference', 'time'],
  // runtime → charts: the shutdown ends the chart rasteriser's worker thread.
  runtime: ['api', 'auth', 'charts', 'db', 'ingest', 'metrics', 'notify', 'outbox', 'time', 'web'],
};

/**
 * Type-only imports that point upward on purpose: a rule is handed the definition of its target; routes and
 * pages are handed the application context that runtime builds.
 */
const ALLOWED_TYPES: Record<string, string[]> = { rules: ['targets'], api: ['runtime'], web: ['runtime'] };

/** cli and demo are applications: they may use any folder (demo also drives cli's migrate and checks). */
const APPLICATIONS = new Set(['cli', 'demo']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

interface Crossing {
  from: string;
  to: string;
  typeOnly: boolean;
  where: string;
}

function crossings(): Crossing[] {
  const out: Crossing[] = [];
  for (const file of tsFiles(SERVICES)) {
    const from = relative(SERVICES, file).split('/')[0]!;
    if (from.endsWith('.ts')) continue;
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^(import|export)(\s+type)?[^'";]*?from\s+'(\.[^']+)'/gm)) {
      const target = relative(SERVICES, resolve(dirname(file), m[3]!));
      const to = target.split('/')[0]!;
      if (target.startsWith('..') || to.endsWith('.js') || to === from) continue;
      out.push({ from, to, typeOnly: Boolean(m[2]), where: relative(ROOT, file) });
    }
  }
  return out;
}

describe('layers of services/', () => {
  const all = crossings();

  it('places every folder in the layer table', () => {
    const folders = readdirSync(SERVICES).filter((n) => statSync(join(SERVICES, n)).isDirectory());
    const unplaced = folders.filter((f) => !(f in ALLOWED) && !APPLICATIONS.has(f));
    expect(unplaced).toEqual([]);
  });

  it('imports only downward, as the table allows', () => {
    const wrong = all
      .filter((c) => !APPLICATIONS.has(c.from))
      .filter((c) => !(ALLOWED[c.from] ?? []).includes(c.to))
      .filter((c) => !(c.typeOnly && (ALLOWED_TYPES[c.from] ?? []).includes(c.to)))
      .map((c) => `${c.where} → ${c.to}${c.typeOnly ? ' (type)' : ''}`);
    expect([...new Set(wrong)]).toEqual([]);
    expect(all.length).toBeGreaterThan(100);
  });

  it('keeps the leaves free of other folders', () => {
    for (const leaf of ['db', 'time', 'labels', 'standards']) {
      expect(all.filter((c) => c.from === leaf).map((c) => c.where)).toEqual([]);
    }
  });
});
