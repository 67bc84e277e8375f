/** Every record kind by id; `withKind` hands the typed kind to code that works for any of them. */
import type { RecordKind, RecordKindId } from '../record-kind.js';
import { cityRankingKind } from './city-ranking-kind.js';
import { measurementKind } from './measurement-kind.js';
import { sandDustKind } from './sand-dust-kind.js';
import { warningKind } from './warning-kind.js';
import { hj212PacketKind } from '../hj212/packet-kind.js';

export function withKind<T>(id: RecordKindId, use: <Raw, Row>(kind: RecordKind<Raw, Row>) => T): T {
  switch (id) {
    case 'measurement':
      return use(measurementKind);
    case 'city_ranking':
      return use(cityRankingKind);
    case 'sand_dust_period':
      return use(sandDustKind);
    case 'heavy_pollution_warning':
      return use(warningKind);
    case 'hj212_packet':
      return use(hj212PacketKind);
  }
}
