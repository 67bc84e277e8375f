/**
 * The config loaders' shared first step (reference, targets, tasks): read a folder's YAML files in name order,
 * and turn a document's syntax errors into findings that name the file and line. Each loader then checks its
 * own schema; the pure halves take the read files so tests can feed them strings.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Document } from 'yaml';

export interface YamlSource {
  name: string;
  text: string;
}

/** `*.yaml` / `*.yml` in `dir`, sorted by name so findings and load order are stable; `skip` names files that live there but are not loaded. */
export async function readYamlFiles(
  dir: string,
  skip: ReadonlySet<string> = new Set(),
): Promise<YamlSource[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && !skip.has(n)).sort();
  return Promise.all(
    names.map(async (name) => ({ name, text: await readFile(path.join(dir, name), 'utf8') })),
  );
}

/** One finding per syntax error, `file:line` and the message's first line (the rest is a code excerpt). */
export function yamlSyntaxProblems(doc: Document, fileName: string): { path: string; reason: string }[] {
  return doc.errors.map((e) => ({
    path: `${fileName}:${e.linePos?.[0].line ?? ''}`,
    reason: e.message.split('\n')[0]!,
  }));
}
