/**
 * The class of each water section, derived whenever one of its parameters changes: per sample (the
 * parameters measured at one time) and per Shanghai month (each parameter's mean over the month's samples,
 * standards.md §7 "a monthly value is one sample or the mean of the month's samples"), by the single-factor
 * rule of GB 3838-2002 (环办〔2011〕22号) with the deciding parameters, the main pollutants (worse than Ⅲ)
 * and whether the section meets its target class of that year (site_water_target; the latest earlier year's
 * target applies while no later plan changes it). Invalid-flagged values are left out.
 */
import type { Queryable } from '../db/queryable.js';
import {
  classifySection,
  meetsTarget,
  WATER_PARAMS,
  type ParameterOverrides,
  type TargetWaterClass,
  type Waterbody,
} from '../standards/index.js';
import { shanghaiInstant } from '../time/shanghai.js';

const CLASS_PARAMS: ReadonlySet<string> = new Set(WATER_PARAMS);

interface SectionMonth {
  site_id: string;
  month: string;
  waterbody: Waterbody | null;
  target_class: number | null;
  overrides: ParameterOverrides | null;
}

interface Sample {
  ts: Date;
  params: Record<string, number>;
  minVersion: number;
}

/** Recomputes water_section_class for the sections and months of the claimed water keys; returns rows written. */
export async function refreshWaterClasses(tx: Queryable): Promise<number> {
  const { rows: months } = await tx.query<SectionMonth>(
    `SELECT DISTINCT ON (s.id, k.month) s.id AS site_id, k.month::text AS month, s.waterbody,
            t.target_class, t.overrides
       FROM (SELECT DISTINCT k.series_id, date_trunc('month', k.day)::date AS month
               FROM rollup_keys k JOIN metric m ON m.id = k.metric_id AND m.domain = 'water') k
       JOIN site s ON s.id = k.series_id AND s.kind = 'water_section'
       LEFT JOIN LATERAL (
         SELECT w.target_class, w.overrides FROM site_water_target w
          WHERE w.site_id = s.id AND w.year <= extract(year FROM k.month) ORDER BY w.year DESC LIMIT 1) t ON true`,
  );
  let written = 0;
  for (const sm of months) {
    await tx.query(`DELETE FROM water_section_class WHERE site_id = $1 AND month = $2`, [
      sm.site_id,
      sm.month,
    ]);
    const samples = await readSamples(tx, sm);
    if (samples.length === 0) continue;
    for (const s of samples) written += await writeClass(tx, sm, 'sample', s.ts, s.params, 1, s.minVersion);
    const means: Record<string, number> = {};
    for (const param of new Set(samples.flatMap((s) => Object.keys(s.params)))) {
      const values = samples.map((s) => s.params[param]).filter((v): v is number => v !== undefined);
      means[param] = values.reduce((a, b) => a + b, 0) / values.length;
    }
    const minVersion = Math.min(...samples.map((s) => s.minVersion));
    written += await writeClass(
      tx,
      sm,
      'month',
      shanghaiInstant(sm.month),
      means,
      samples.length,
      minVersion,
    );
  }
  return written;
}

async function readSamples(tx: Queryable, sm: SectionMonth): Promise<Sample[]> {
  const { rows } = await tx.query<{ ts: Date; metric_id: string; value: number; data_version: number }>(
    `SELECT x.ts, x.metric_id, x.value, x.data_version
       FROM measurement x
      WHERE x.series_id = $1
        AND x.ts >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND x.ts < ($2::date + INTERVAL '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND x.metric_id = ANY ($3) AND NOT ('invalid' = ANY (x.flags))
      ORDER BY x.ts`,
    [sm.site_id, sm.month, [...CLASS_PARAMS]],
  );
  const byTs = new Map<number, Sample>();
  for (const r of rows) {
    let s = byTs.get(r.ts.getTime());
    if (!s) byTs.set(r.ts.getTime(), (s = { ts: r.ts, params: {}, minVersion: r.data_version }));
    s.params[r.metric_id] = r.value;
    s.minVersion = Math.min(s.minVersion, r.data_version);
  }
  return [...byTs.values()];
}

async function writeClass(
  tx: Queryable,
  sm: SectionMonth,
  kind: 'sample' | 'month',
  periodStart: Date,
  params: Record<string, number>,
  nSamples: number,
  minVersion: number,
): Promise<number> {
  const waterbody = sm.waterbody ?? 'river';
  const target =
    sm.target_class !== null && sm.target_class <= 5 ? (sm.target_class as TargetWaterClass) : undefined;
  const overrides = sm.overrides ?? undefined;
  // Lake TN is assessed separately and river TN has no limit: a sample of TN alone has no class.
  const evaluable = Object.keys(params).some((p) => p !== 'tn');
  if (!evaluable) return 0;
  const c = classifySection(params, {
    waterbody,
    ...(target ? { targetClass: target } : {}),
    ...(overrides ? { overrides } : {}),
  });
  const met = target
    ? meetsTarget(params, target, { waterbody, ...(overrides ? { overrides } : {}) }).met
    : null;
  await tx.query(
    `INSERT INTO water_section_class (site_id, period_kind, period_start, month, water_class, target_class, meets_target,
                                      deciding_parameters, main_pollutants, parameter_classes, parameter_values,
                                      reference_tn_class, n_samples, min_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      sm.site_id,
      kind,
      periodStart,
      sm.month,
      c.class,
      sm.target_class,
      met,
      c.decidingParameters,
      JSON.stringify(
        c.mainPollutants.map((p) => ({
          param: p.param,
          value: p.value,
          class: p.class,
          limit: p.limit,
          exceedance_multiple: p.exceedanceMultiple,
        })),
      ),
      JSON.stringify(c.parameterClasses),
      JSON.stringify(params),
      c.referenceTnClass,
      nSamples,
      minVersion,
    ],
  );
  return 1;
}
