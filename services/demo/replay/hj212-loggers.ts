/**
 * The demo's field loggers: each connects to the receiver over real TCP, sends its month of packets and
 * reads the replies as a logger does — a packet counts as delivered when its 9014 (same QN) came back,
 * which the receiver sends only once the rows are committed. A logger keeps a window of packets in flight
 * (as one streaming its backlog does) so a month takes a few round trips, not one per hour.
 */
import net from 'node:net';
import { once } from 'node:events';
import { FrameSplitter } from '../../ingest/hj212/framing.js';
import type { DeviceTraffic } from '../synthetic/hj212-devices.js';

export interface LoggerTally {
  packets: number;
  acks: number;
}

const WINDOW = 64;
const ACK_TIMEOUT_MS = 60_000;

const qnOf = (text: string) => /(?:^|;)QN=(\d+)/.exec(text)?.[1] ?? null;
const isDataAck = (text: string) => /(?:^|;)CN=9014(?:;|$)/.test(text);

/** One logger's month; resolves once every packet is acknowledged, rejects when a 9014 is overdue. */
async function runLogger(port: number, t: DeviceTraffic): Promise<LoggerTally> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const splitter = new FrameSplitter();
  const waiting = new Set<string>();
  let sent = 0;
  let acks = 0;
  try {
    return await new Promise<LoggerTally>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `HJ 212 logger ${t.mn}: no 9014 for ${ACK_TIMEOUT_MS / 1000} s; ${acks} of ${sent} sent acknowledged, ` +
                  `waiting for QN ${[...waiting].slice(0, 3).join(', ')}`,
              ),
            ),
          ACK_TIMEOUT_MS,
        );
      };
      const fill = () => {
        while (waiting.size < WINDOW && sent < t.packets.length) {
          const p = t.packets[sent++]!;
          // The segment starts after `##` and the 4-digit length.
          waiting.add(qnOf(p.toString('latin1', 6))!);
          socket.write(p);
        }
        if (waiting.size === 0) {
          clearTimeout(timer);
          resolve({ packets: sent, acks });
        }
      };
      socket.on('data', (chunk: Buffer) => {
        for (const ev of splitter.push(chunk).events) {
          if (ev.kind !== 'frame') continue;
          const text = ev.frame.segment.toString('utf8');
          const qn = qnOf(text);
          if (isDataAck(text) && qn && waiting.delete(qn)) acks += 1;
        }
        arm();
        fill();
      });
      socket.on('error', reject);
      socket.on('close', () =>
        reject(new Error(`HJ 212 logger ${t.mn}: the receiver closed the connection`)),
      );
      arm();
      fill();
    });
  } finally {
    socket.destroy();
  }
}

/** Every logger at once, as stations do; the tally adds up their packets and acknowledgements. */
export async function sendMonth(
  port: number,
  traffic: readonly DeviceTraffic[],
  tally: LoggerTally,
): Promise<void> {
  const results = await Promise.all(traffic.map((t) => runLogger(port, t)));
  for (const r of results) {
    tally.packets += r.packets;
    tally.acks += r.acks;
  }
}
