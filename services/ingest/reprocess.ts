/**
 * Re-processing refused rows after a fix (an alias added to the reference data, a unit accepted, or the row
 * corrected with `patch`): the stored raw rows go through the same validation and write path again, as a new
 * batch (adapter `reprocess`) per source and record kind. Each retried row is closed (status reprocessed,
 * resolved by the new batch); a row refused again is refused anew in the new batch with `retry_of` pointing
 * back, so the new batch's counts add up like any other and the open rows always carry the current reason.
 */
import type pg from 'pg';
import { ValidationError } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import { ingestRecords, type IngestResult } from './ingest-records.js';
import { withKind } from './kinds/index.js';
import type { RecordKind, RecordKindId, SourceRecord } from './record-kind.js';
import { listRefusedRows, type RefusedRowFilter } from './refused-queries.js';

export interface ReprocessOptions {
  clock: Clock;
  /** Who asked (recorded on the closed rows). */
  by: string;
  /** Field corrections applied to every selected row's raw record, e.g. { unit: 'µg/m³' }. */
  patch?: Readonly<Record<string, string>>;
}

const PAGE = 1_000;

async function groupsOf(
  pool: pg.Pool,
  filter: RefusedRowFilter,
): Promise<{ source_id: string; record_kind: RecordKindId }[]> {
  const groups = new Map<string, { source_id: string; record_kind: RecordKindId }>();
  for (let after = 0; ;) {
    const page = await listRefusedRows(pool, { ...filter, status: 'open', afterId: after, limit: 10_000 });
    if (page.length === 0) break;
    for (const r of page)
      groups.set(`${r.source_id}|${r.record_kind}`, { source_id: r.source_id, record_kind: r.record_kind });
    after = page[page.length - 1]!.id;
  }
  return [...groups.values()];
}

export async function reprocessRefusedRows(
  pool: pg.Pool,
  filter: Omit<RefusedRowFilter, 'status' | 'afterId' | 'limit'>,
  opts: ReprocessOptions,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const group of await groupsOf(pool, filter)) {
    const result = await withKind(group.record_kind, async <Raw, Row>(kind: RecordKind<Raw, Row>) => {
      async function* records(): AsyncGenerator<SourceRecord<Raw>> {
        for (let after = 0; ;) {
          const page = await listRefusedRows(pool, {
            ...filter,
            sourceId: group.source_id,
            status: 'open',
            afterId: after,
            limit: PAGE,
          });
          for (const r of page) {
            if (r.record_kind !== group.record_kind) continue;
            const raw = kind.rawSchema.safeParse({ ...(r.raw as object), ...opts.patch });
            if (!raw.success) {
              throw new ValidationError(
                `refused row ${r.id}: the stored raw record does not read back: ${raw.error.message}`,
              );
            }
            yield { row: r.row_number, raw: raw.data, retryOf: r.id };
          }
          if (page.length < PAGE) return;
          after = page[page.length - 1]!.id;
        }
      }
      const origin = `refused rows (${describe(filter)})`;
      return ingestRecords(
        pool,
        { sourceId: group.source_id, adapter: 'reprocess', origin },
        kind,
        records(),
        opts.clock,
        { by: opts.by },
      );
    });
    results.push(result);
  }
  return results;
}

function describe(f: Omit<RefusedRowFilter, 'status' | 'afterId' | 'limit'>): string {
  const parts = [
    f.ids ? `ids ${f.ids.join(',')}`.slice(0, 200) : null,
    f.batchId !== undefined ? `batch ${f.batchId}` : null,
    f.reasonCode ? `reason ${f.reasonCode}` : null,
    f.sourceId ? `source ${f.sourceId}` : null,
  ].filter(Boolean);
  return parts.join(', ') || 'all open';
}
