/**
 * A device silent past its expected interval raises the existing stale-source condition (source_status /
 * source_condition, which the alerts turn into a "stale data" operational alert), under the source id
 * `hj212:<MN>`, and resolves it when the device is heard again. "Silent" = no packet for
 * SILENCE_FACTOR × the device's expected interval since its last packet (or its registration): one missed
 * upload is normal on a mobile link, three are not.
 */
import type { Queryable } from '../../db/queryable.js';
import { ensureSourceStatuses, openStaleCondition, resolveStaleCondition } from '../freshness-queries.js';
import { formatShanghai } from '../../time/shanghai.js';
import { listDeviceSilence } from './device-queries.js';

export const DEVICE_SOURCE_PREFIX = 'hj212:';
export const SILENCE_FACTOR = 3;

export async function checkDeviceSilence(
  db: Queryable,
  now: Date,
): Promise<{ opened: string[]; resolved: string[] }> {
  const out = { opened: [] as string[], resolved: [] as string[] };
  const devices = await listDeviceSilence(db, DEVICE_SOURCE_PREFIX);
  const silent = devices.filter(
    (d) => now.getTime() - d.heard_at.getTime() > SILENCE_FACTOR * d.expected_interval_seconds * 1000,
  );
  if (silent.length > 0) {
    await ensureSourceStatuses(
      db,
      silent.map((d) => DEVICE_SOURCE_PREFIX + d.mn),
      now,
    );
  }
  for (const d of silent) {
    const sourceId = DEVICE_SOURCE_PREFIX + d.mn;
    const interval = d.expected_interval_seconds * 1000;
    const heard = formatShanghai(d.heard_at);
    const seen = d.last_seen_at ? `最后一次收到数据包为 ${heard}` : `自 ${heard} 登记以来未收到任何数据包`;
    const seenEn = d.last_seen_at ? `last packet ${heard}` : `no packet since it was registered at ${heard}`;
    const opened = await openStaleCondition(db, {
      sourceId,
      now,
      verdict: {
        firstMissing: new Date(d.heard_at.getTime() + interval),
        dueAt: new Date(d.heard_at.getTime() + SILENCE_FACTOR * interval),
      },
      lastDataAt: d.last_seen_at,
      detailZh: `数采仪 ${d.mn}（点位 ${d.site_id}）超过 ${SILENCE_FACTOR} 个上传周期未上报数据：${seen}。`,
      detailEn: `HJ 212 device ${d.mn} (site ${d.site_id}) silent for over ${SILENCE_FACTOR} upload intervals: ${seenEn}.`,
    });
    if (opened) out.opened.push(d.mn);
  }
  for (const d of devices) {
    if (d.stale_since === null || silent.includes(d)) continue;
    if (await resolveStaleCondition(db, DEVICE_SOURCE_PREFIX + d.mn, null, now)) out.resolved.push(d.mn);
  }
  return out;
}
