/** Every record kind by id; `withKind` hands the typed kind to code that works for any of them. */
import type { RecordKind, RecordKindId } from '../record-kind.js';
import { cityRankingKind } from './city-ranking-kind.js';
import { measurementKind } from './measurement-kind.js';
import { sandDustKind } from './sand-dust-kind.js';
import { warningKind } from './warning-kind.js';
import { hj212PacketKind } from '../hj212/packet-kind.js';

/** One kind per id: the `satisfies` makes a new RecordKindId without its kind a compile error. */
const KINDS = {
  measurement: measurementKind,
  city_ranking: cityRankingKind,
  sand_dust_period: sandDustKind,
  heavy_pollution_warning: warningKind,
  hj212_packet: hj212PacketKind,
} satisfies Record<RecordKindId, { readonly id: RecordKindId }>;

export function withKind<T>(id: RecordKindId, use: <Raw, Row>(kind: RecordKind<Raw, Row>) => T): T {
  return use(KINDS[id] as RecordKind<unknown, unknown>);
}
