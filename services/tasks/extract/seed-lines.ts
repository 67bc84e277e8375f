/**
 * A seed file as numbered lines, numbered the way every citation in the project is: the lines of
 * `tr -s '\n' < FILE` (runs of newlines squeezed to one, so a leading blank line stays line 1).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface SeedLine {
  no: number;
  text: string;
}

export interface Seed {
  prefix: string;
  file: string;
  lines: SeedLine[];
}

export function squeezeLines(text: string): SeedLine[] {
  return text
    .replace(/\n+/g, '\n')
    .split('\n')
    .map((t, i) => ({ no: i + 1, text: t }));
}

export async function readSeed(dir: string, file: string): Promise<Seed> {
  const text = await readFile(path.join(dir, file), 'utf8');
  return { prefix: file.slice(0, 3), file, lines: squeezeLines(text) };
}

export function cite(prefix: string, first: number, last: number): string {
  return first === last ? `${prefix}:${first}` : `${prefix}:${first}-${last}`;
}

/** The lines first..last (inclusive, 1-based). */
export function linesBetween(seed: Seed, first: number, last: number): SeedLine[] {
  return seed.lines.slice(first - 1, last);
}
