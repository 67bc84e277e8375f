/** The receiver's options from the parsed configuration (config/env.ts HJ212_*). */
import type { Config } from '../../../config/env.js';
import { HOUR, SECOND } from '../../time/shanghai.js';
import { DEFAULT_FRAMING } from './framing.js';
import type { ReceiverOptions } from './receiver.js';

export function receiverOptions(config: Config, port = config.HJ212_PORT ?? 0): ReceiverOptions {
  return {
    host: config.HJ212_HOST,
    port,
    sourceId: config.HJ212_SOURCE_ID,
    maxConnections: config.HJ212_MAX_CONNECTIONS,
    limits: {
      framing: { ...DEFAULT_FRAMING, maxSegment: config.HJ212_MAX_SEGMENT },
      idleMs: config.HJ212_IDLE_TIMEOUT_SECONDS * SECOND,
      halfPacketMs: config.HJ212_HALF_PACKET_SECONDS * SECOND,
      maxRefusals: config.HJ212_MAX_REFUSALS_IN_ROW,
      // Enough for a logger that streams history without waiting for each 9014.
      maxPending: 256,
      historyAfterMs: config.HJ212_HISTORY_AFTER_HOURS * HOUR,
      offResolution: config.HJ212_OFF_RESOLUTION_VALUES,
    },
    commit: {
      delayMs: config.HJ212_COMMIT_DELAY_MS,
      maxRows: config.HJ212_COMMIT_MAX_ROWS,
      maxInFlight: config.HJ212_COMMIT_PARALLEL,
    },
    splitTimeoutMs: config.HJ212_SPLIT_TIMEOUT_SECONDS * SECOND,
  };
}
