/**
 * Reads config/sources.yaml (SOURCES_FILE). Every problem is reported at once, with its path, so whoever
 * edits the file fixes it in one round. Read at every dispatch tick: an edited file takes effect within a
 * minute, without a restart.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { NotFoundError, ValidationError } from '../../errors.js';
import { sourcesFileSchema, type SourceDefinition } from './source-schema.js';

export function parseSources(text: string, fileName = 'sources.yaml'): SourceDefinition[] {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(
      `${fileName}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`,
      doc.errors.map((e) => ({ path: fileName, reason: e.message.split('\n')[0] })),
    );
  }
  const parsed = sourcesFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
      reason: i.message,
    }));
    throw new ValidationError(
      `${fileName}: ${details.length} problem(s):\n  - ${details.map((d) => `${d.path}: ${d.reason}`).join('\n  - ')}`,
      details,
    );
  }
  const seen = new Set<string>();
  const dupes = parsed.data.sources.filter((s) => (seen.has(s.id) ? true : (seen.add(s.id), false)));
  if (dupes.length > 0) {
    throw new ValidationError(`${fileName}: source ids must be unique: ${dupes.map((d) => d.id).join(', ')}`);
  }
  return parsed.data.sources;
}

export async function loadSources(file: string): Promise<SourceDefinition[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ValidationError(`cannot read the sources file ${file} (SOURCES_FILE)`, [], { cause: err });
  }
  return parseSources(text, file);
}

export function findSource(sources: readonly SourceDefinition[], id: string): SourceDefinition {
  const s = sources.find((x) => x.id === id);
  if (!s)
    throw new NotFoundError(
      `no source "${id}" in the sources file (known: ${sources.map((x) => x.id).join(', ')})`,
    );
  return s;
}
