/**
 * Reads the reference YAML files of a directory into a validated ReferenceSet.
 *
 * File names say what they hold: `<kind>.yaml` or `<kind>-<anything>.yaml` (e.g. `units-bda.yaml`), with the
 * entries under a top-level key named after the kind. Top-level keys starting with `x-` are ignored (a place
 * for YAML anchors), and YAML merge keys (`<<: *anchor`) are enabled. Every kind must have at least one
 * file: the seeder deletes rows that are no longer in the files, so a missing file must not read as "none".
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  REFERENCE_KINDS,
  referenceError,
  validateReferenceSet,
  type Problem,
  type ReferenceKind,
  type ReferenceSet,
} from './reference-schema.js';
import { readYamlFiles } from './yaml-files.js';

export const DEFAULT_REFERENCE_DIR = 'config/reference';

const FILE_RE = /^(?<kind>[a-z]+)(?:-[a-z0-9-]+)?\.ya?ml$/;

export interface SourceFile {
  name: string;
  text: string;
}

export async function loadReferenceSet(dir: string = DEFAULT_REFERENCE_DIR): Promise<ReferenceSet> {
  return parseReferenceFiles(await readYamlFiles(dir));
}

/** Parses and validates already-read files (the loader's pure half; tests feed it strings). */
export function parseReferenceFiles(files: readonly SourceFile[]): ReferenceSet {
  const problems: Problem[] = [];
  const origin = new WeakMap<object, string>();
  const set: ReferenceSet = {
    districts: [],
    areas: [],
    metrics: [],
    sites: [],
    units: [],
    officials: [],
    origin,
  };
  const seenKinds = new Set<ReferenceKind>();

  for (const file of files) {
    const kind = FILE_RE.exec(file.name)?.groups?.kind;
    if (kind === undefined || !isKind(kind)) {
      problems.push({
        path: file.name,
        reason: `not a reference file name (${Object.keys(REFERENCE_KINDS).join(', ')})`,
      });
      continue;
    }
    seenKinds.add(kind);
    const content = parseYaml(file, kind, problems);
    if (content === undefined) continue;
    const entries = content[kind];
    if (!Array.isArray(entries)) {
      problems.push({
        path: `${file.name}: ${kind}`,
        reason: `expected a list under the top-level key "${kind}"`,
      });
      continue;
    }
    entries.forEach((raw: unknown, i) => {
      const at = `${file.name}: ${kind}[${i}]`;
      const parsed = (REFERENCE_KINDS[kind] as z.ZodType).safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          problems.push({ path: at + formatPath(issue.path), reason: issue.message });
        return;
      }
      const entry = parsed.data as object;
      origin.set(entry, at);
      (set[kind] as object[]).push(entry);
    });
  }
  for (const kind of Object.keys(REFERENCE_KINDS) as ReferenceKind[]) {
    if (!seenKinds.has(kind))
      problems.push({ path: `${kind}.yaml`, reason: 'missing: every kind needs a file' });
  }
  // Cross-file checks need well-formed entries; report the per-file problems first.
  if (problems.length > 0) throw referenceError(problems);
  validateReferenceSet(set);
  return set;
}

function isKind(kind: string): kind is ReferenceKind {
  return Object.hasOwn(REFERENCE_KINDS, kind);
}

function parseYaml(
  file: SourceFile,
  kind: ReferenceKind,
  problems: Problem[],
): Record<string, unknown> | undefined {
  const doc = parseDocument(file.text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0].line;
      problems.push({
        path: line === undefined ? file.name : `${file.name}:${line}`,
        reason: firstLine(err.message),
      });
    }
    return undefined;
  }
  const content: unknown = doc.toJS();
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    problems.push({ path: file.name, reason: 'expected a mapping at the top level' });
    return undefined;
  }
  const record = content as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== kind && !key.startsWith('x-')) {
      problems.push({
        path: `${file.name}: ${key}`,
        reason: `a ${kind} file holds only "${kind}" (and x-… anchors)`,
      });
    }
  }
  return record;
}

/** yaml's pretty errors append a code frame; the problem list wants the sentence. */
export function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:$/, '');
}

/** `['aliases', 1]` → `.aliases[1]`, matching how the files are read. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`)).join('');
}
