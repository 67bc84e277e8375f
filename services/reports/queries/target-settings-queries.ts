/** What of a target decides how its year-to-date mean is computed: its input and its sand-dust exclusion. */
import type { Queryable } from '../../db/queryable.js';
import type { SeriesInput } from '../../rules/inputs/series-windows.js';

export interface YtdTargetSettings {
  excludeSandDust: boolean;
  /** The rule's `input` parameter; rules default to daily values (rules/rule-kind.ts SERIES_INPUT). */
  input: SeriesInput;
}

export async function readYtdTargetSettings(
  db: Queryable,
  targetIds: readonly string[],
): Promise<Map<string, YtdTargetSettings>> {
  const { rows } = await db.query<{ id: string; exclude_sand_dust: boolean; input: string | null }>(
    `SELECT id, exclude_sand_dust, params->>'input' AS input FROM target WHERE id = ANY ($1)`,
    [targetIds],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { excludeSandDust: r.exclude_sand_dust, input: r.input === 'monthly' ? 'monthly' : 'daily' },
    ]),
  );
}
