/**
 * The items of the narrative plans (000's 2020 plans, 003's 2022 分工方案): a numbered sentence followed by
 * labelled fields (牵头领导：… / 主责单位：… / 完成时限：…), any of which may wrap onto the next lines. Each
 * document finds its own item starts and labels; how a line adds to the item it continues is the same.
 */
import type { SeedLine } from './seed-lines.js';

export interface LabelledItem {
  seq: string;
  first: number;
  last: number;
  body: string[];
  /** Label → its lines as written (the first line without the label). */
  fields: Map<string, string[]>;
  heading: string | null;
}

/**
 * Adds a line to the item it continues: a new labelled field (`fieldRe` captures label and text), more of the
 * field that is open, or more of the item's sentence. Returns the field open after the line.
 */
export function continueItem(
  item: LabelledItem,
  line: SeedLine,
  text: string,
  fieldRe: RegExp,
  open: string | undefined,
): string | undefined {
  item.last = line.no;
  const f = fieldRe.exec(text);
  if (f) {
    item.fields.set(f[1]!, [f[2]!]);
    return f[1]!;
  }
  if (open !== undefined) item.fields.get(open)!.push(text);
  else item.body.push(text);
  return open;
}
