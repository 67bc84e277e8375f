/** What each document's extractor produces: one task row with its cells as written, before names are resolved. */
import type { UnitRole } from '../task-schema.js';

export interface RawUnitCell {
  role: UnitRole;
  label: string;
  /** The names of the cell, split (names.ts cellPieces) but not yet resolved. */
  pieces: string[];
}

export interface RawRow {
  section: string;
  heading: string | null;
  seq: string;
  keyTask: string;
  keyTaskMerged: boolean;
  measures: string[];
  deadline: string;
  deadlineMerged: boolean;
  leads: string[];
  unitCells: RawUnitCell[];
  unitSplit: 'columns' | 'layout' | 'guessed';
  first: number;
  last: number;
  notes: string[];
}

export interface RawSection {
  name: string;
  titleZh: string;
  first: number;
  last: number;
  columns: string[];
  /** Rows counted by a method independent of the extractor (verify-counts.ts compares). */
  rowsInSeed: number;
}

export interface RawPlan {
  sections: RawSection[];
  rows: RawRow[];
}

/** 一、二、… headings of the plans' tables (and the 2020 narrative's). */
export const HEADING_RE = /^[一二三四五六七八九十]+、/;

export function joinWrapped(lines: readonly string[]): string {
  return lines
    .map((l) => l.trim())
    .join('')
    .replace(/\s+/g, ' ');
}
