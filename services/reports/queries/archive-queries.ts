/** The report archive (migration 0040): versions, their files, and listing for download. */
import type { Queryable } from '../../db/queryable.js';
import type { DataVersion, ReportFormat, ReportKind, ReportLocale } from '../report-types.js';

export interface ReportRow {
  id: number;
  kind: ReportKind;
  scope_id: string;
  period_key: string;
  version: number;
  data_version: DataVersion;
  data_fingerprint: string;
  reason: 'schedule' | 'revision' | 'on_demand';
  summary: Record<string, unknown>;
  produced_at: Date;
  emailed_at: Date | null;
  superseded_by: number | null;
}

export interface ReportFileRow {
  report_id: number;
  locale: ReportLocale;
  format: ReportFormat;
  path: string;
  file_name: string;
  bytes: number;
  sha256: string;
}

const REPORT_COLUMNS = `id, kind, scope_id, period_key, version, data_version, data_fingerprint, reason, summary,
  produced_at, emailed_at, superseded_by`;

/** Serialises producers of one (kind, scope, period) inside the caller's transaction. */
export async function lockReportKey(
  tx: Queryable,
  kind: ReportKind,
  scopeId: string,
  periodKey: string,
): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`report:${kind}:${scopeId}:${periodKey}`]);
}

export async function readCurrentReport(
  db: Queryable,
  kind: ReportKind,
  scopeId: string,
  periodKey: string,
): Promise<ReportRow | null> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM report
      WHERE kind = $1 AND scope_id = $2 AND period_key = $3 AND superseded_by IS NULL`,
    [kind, scopeId, periodKey],
  );
  return rows[0] ?? null;
}

export async function readReport(db: Queryable, id: number): Promise<ReportRow | null> {
  const { rows } = await db.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM report WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** A new report id, allocated before the row exists so the previous version can point to it first. */
export async function allocateReportId(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('report', 'id')) AS id`,
  );
  return rows[0]!.id;
}

export async function insertReport(
  tx: Queryable,
  r: Pick<
    ReportRow,
    | 'id'
    | 'kind'
    | 'scope_id'
    | 'period_key'
    | 'version'
    | 'data_version'
    | 'data_fingerprint'
    | 'reason'
    | 'summary'
  > & { produced_at: Date },
): Promise<ReportRow> {
  const { rows } = await tx.query<ReportRow>(
    `INSERT INTO report (id, kind, scope_id, period_key, version, data_version, data_fingerprint, reason, summary, produced_at)
     VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)
     RETURNING ${REPORT_COLUMNS}`,
    [
      r.kind,
      r.scope_id,
      r.period_key,
      r.version,
      r.data_version,
      r.data_fingerprint,
      r.reason,
      JSON.stringify(r.summary),
      r.produced_at,
      r.id,
    ],
  );
  return rows[0]!;
}

export async function supersedeReport(tx: Queryable, oldId: number, newId: number): Promise<void> {
  await tx.query(
    'UPDATE report SET superseded_by = $2, superseded_at = now() WHERE id = $1 AND superseded_by IS NULL',
    [oldId, newId],
  );
}

export async function readMaxVersion(
  tx: Queryable,
  kind: ReportKind,
  scopeId: string,
  periodKey: string,
): Promise<number> {
  const { rows } = await tx.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM report WHERE kind = $1 AND scope_id = $2 AND period_key = $3',
    [kind, scopeId, periodKey],
  );
  return rows[0]?.v ?? 0;
}

export async function insertReportFiles(tx: Queryable, files: readonly ReportFileRow[]): Promise<void> {
  if (files.length === 0) return;
  await tx.query(
    `INSERT INTO report_file (report_id, locale, format, path, file_name, bytes, sha256)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])`,
    [
      files.map((f) => f.report_id),
      files.map((f) => f.locale),
      files.map((f) => f.format),
      files.map((f) => f.path),
      files.map((f) => f.file_name),
      files.map((f) => f.bytes),
      files.map((f) => f.sha256),
    ],
  );
}

export async function readReportFiles(db: Queryable, reportId: number): Promise<ReportFileRow[]> {
  const { rows } = await db.query<ReportFileRow>(
    `SELECT report_id, locale, format, path, file_name, bytes, sha256 FROM report_file
      WHERE report_id = $1 ORDER BY locale, format`,
    [reportId],
  );
  return rows;
}

export async function markReportEmailed(db: Queryable, reportId: number): Promise<void> {
  await db.query('UPDATE report SET emailed_at = coalesce(emailed_at, now()) WHERE id = $1', [reportId]);
}
