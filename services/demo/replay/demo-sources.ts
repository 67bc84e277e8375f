/**
 * The demo's sources, written as a sources file (the format of config/sources.yaml) that the demo's roles
 * read through SOURCES_FILE: the station feed pulled over HTTP from the local feed server, and one watched
 * drop directory per office that sends files.
 *
 * They are `enabled: false` on purpose: their schedules are wall-clock cron expressions, while the demo
 * lives in replayed time — the replay runs each source itself (the `ingest-source` job the dispatcher would
 * enqueue) when the replayed month's data is due. A wall-clock tick pulling the same window again would
 * only re-read unchanged rows.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseSources } from '../../ingest/sources/load-sources.js';
import type { SourceDefinition } from '../../ingest/sources/source-schema.js';
import { DEMO_SOURCES } from '../synthetic/dataset.js';

/** The demo's drop directories live under DROP_DIR/demo/: DROP_DIR/demo/<source id>. */
export const DEMO_DROP_ROOT = 'demo';

export function demoDropDir(sourceId: string): string {
  return path.join(DEMO_DROP_ROOT, sourceId);
}

const NOTE =
  '演示数据源（npm run demo），由回放按回放时间运行。Demo source, run by the replay in replayed time.';

function fileDrop(
  id: string,
  nameZh: string,
  format: string,
  cadence: string,
  lag: string,
  settle: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...extra,
    id,
    name_zh: nameZh,
    adapter: 'file_drop',
    enabled: false,
    schedule: '*/10 * * * *',
    dir: demoDropDir(id),
    format,
    cadence,
    expected_lag: lag,
    settle_window: settle,
    note: NOTE,
  };
}

export function demoSourcesDocument(feedUrl: string): { sources: Record<string, unknown>[] } {
  return {
    sources: [
      {
        id: DEMO_SOURCES.stationFeed,
        name_zh: '市空气质量实时数据接口（演示）',
        name_en: 'Municipal real-time station feed (demo)',
        adapter: 'http_pull',
        enabled: false,
        schedule: '5 * * * *',
        url: feedUrl,
        query: { from: '{from}', to: '{to}' },
        paging: { kind: 'cursor', param: 'cursor', next: 'data.next' },
        cadence: 'hour',
        expected_lag: '1h',
        // A run re-reads every hour still settling: the replay pulls a month on the 5th of the next month.
        settle_window: '36d',
        mapping: {
          records: 'data.items',
          time: 'time',
          series: 'station',
          metric: 'metric',
          value: 'value',
          unit: 'unit',
          version: 'version',
        },
        note: NOTE,
      },
      // A year of history is an import: the bulk path (COPY into staging, one set-based upsert) from 1 MB up.
      fileDrop(DEMO_SOURCES.historyImport, '上年度审核小时数据导入（演示）', 'long', 'event', '1d', '1d', {
        bulk_threshold_mb: 1,
      }),
      fileDrop(DEMO_SOURCES.stationAudited, '月度审核小时数据（演示）', 'long', 'month', '45d', '30d'),
      fileDrop(
        DEMO_SOURCES.districtTables,
        '区生态环境局街乡镇月度报表（演示）',
        'auto',
        'month',
        '5d',
        '10d',
      ),
      fileDrop(DEMO_SOURCES.cityRanking, '全市街乡镇月度排名（演示）', 'city_ranking', 'month', '10d', '10d'),
      fileDrop(DEMO_SOURCES.water, '地表水断面月度监测（演示）', 'long', 'month', '15d', '15d'),
      fileDrop(DEMO_SOURCES.sandDust, '沙尘过程判定（演示）', 'sand_dust', 'event', '1d', '1d'),
      fileDrop(DEMO_SOURCES.warnings, '重污染天气预警（演示）', 'warning', 'event', '1h', '1h'),
    ],
  };
}

/** Writes the file and checks it with the sources file's own parser, so a mistake here fails at once. */
export async function writeDemoSourcesFile(file: string, feedUrl: string): Promise<SourceDefinition[]> {
  const text = `# 演示数据源 — written by npm run demo; see services/demo/replay/demo-sources.ts\n${stringify(demoSourcesDocument(feedUrl))}`;
  const sources = parseSources(text, path.basename(file));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
  return sources;
}
