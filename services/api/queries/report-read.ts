/** The report archive of the reports engine (migration 0040): reports with their files, newest first. */
import type { Queryable } from '../../db/queryable.js';

export interface ReportFileRow {
  locale: 'zh-CN' | 'en';
  format: string;
  file_name: string;
  bytes: number;
  sha256: string;
}

export interface ReportRow {
  id: number;
  kind: string;
  scope_id: string;
  period_key: string;
  version: number;
  data_version: string;
  reason: string;
  produced_at: Date;
  emailed_at: Date | null;
  superseded_by: number | null;
  files: ReportFileRow[];
}

export async function listReports(
  db: Queryable,
  f: {
    districtId: string | null;
    kind: string | null;
    period: string | null;
    includeSuperseded: boolean;
    limit: number;
  },
): Promise<ReportRow[]> {
  const { rows } = await db.query<ReportRow>(
    `SELECT r.id, r.kind, r.scope_id, r.period_key, r.version, r.data_version, r.reason, r.produced_at, r.emailed_at,
            r.superseded_by,
            coalesce((SELECT json_agg(json_build_object('locale', f.locale, 'format', f.format, 'file_name', f.file_name,
                                                       'bytes', f.bytes, 'sha256', f.sha256) ORDER BY f.locale DESC, f.format)
                        FROM report_file f WHERE f.report_id = r.id), '[]'::json) AS files
       FROM report r
      WHERE ($1::text IS NULL OR r.scope_id = $1) AND ($2::text IS NULL OR r.kind = $2)
        AND ($3::text IS NULL OR r.period_key = $3 OR r.period_key LIKE $3 || '-%')
        AND ($4 OR r.superseded_by IS NULL)
      ORDER BY r.period_key DESC, r.kind, r.version DESC
      LIMIT $5`,
    [f.districtId, f.kind, f.period, f.includeSuperseded, f.limit],
  );
  return rows;
}

export interface ReportFileLocation {
  report_id: number;
  scope_id: string;
  path: string;
  file_name: string;
  format: string;
  bytes: number;
  sha256: string;
}

export async function findReportFile(
  db: Queryable,
  q: { reportId: number; locale: string; format: string },
): Promise<ReportFileLocation | null> {
  const { rows } = await db.query<ReportFileLocation>(
    `SELECT f.report_id, r.scope_id, f.path, f.file_name, f.format, f.bytes, f.sha256
       FROM report_file f JOIN report r ON r.id = f.report_id
      WHERE f.report_id = $1 AND f.locale = $2 AND f.format = $3`,
    [q.reportId, q.locale, q.format],
  );
  return rows[0] ?? null;
}
