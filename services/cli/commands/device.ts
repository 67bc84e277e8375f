/**
 * `envwatch device <add|update|list>`: HJ 212 data loggers (MN, site, password, edition, SM4 key, factor →
 * metric and unit, expected interval). The receiver picks a change up within a second. Audited; the password
 * and the key are never printed or audited.
 */
import { ValidationError } from '../../errors.js';
import { listRegisteredDevices } from '../../registry/registry-queries.js';
import { addDevice, changeDevice, publicDevice } from '../../registry/registry.js';
import type { CommandRun } from '../command.js';
import { givenFields, registryCommand, type Values as CommandValues } from '../registry-command.js';

const USAGE = `usage:
  envwatch device add --mn <MN> --site <site code> --password <PW> --protocol <2005|2017|2025>
                      [--factor <code>=<metric>:<unit>]… (e.g. --factor a34004=pm25:mg/m³; defaults: hj212 factors.ts)
                      [--crc standard|modbus|either] [--reply standard|2005] [--sm4-key <32 hex | 16 chars>]
                      [--interval <seconds>] [--time-zone +08:00] [--length-lenient] [--name <name>]
  envwatch device update <MN> [any option of add but --mn] [--disable | --enable]
  envwatch device list`;

const OPTIONS = {
  mn: { type: 'string' },
  site: { type: 'string' },
  password: { type: 'string' },
  protocol: { type: 'string' },
  factor: { type: 'string', multiple: true },
  crc: { type: 'string' },
  reply: { type: 'string' },
  'sm4-key': { type: 'string' },
  interval: { type: 'string' },
  'time-zone': { type: 'string' },
  'length-lenient': { type: 'boolean' },
  name: { type: 'string' },
  disable: { type: 'boolean' },
  enable: { type: 'boolean' },
} as const;

type Values = CommandValues<typeof OPTIONS>;

/** `a34004=pm25:µg/m³` → { a34004: { metric: 'pm25', unit: 'µg/m³' } }. */
export function parseFactors(specs: readonly string[]): Record<string, { metric: string; unit: string }> {
  const out: Record<string, { metric: string; unit: string }> = {};
  for (const spec of specs) {
    const m = /^([^=\s]+)=([^:\s]+):(.+)$/.exec(spec.trim());
    if (!m)
      throw new ValidationError(
        `--factor "${spec}": expected <code>=<metric>:<unit>, e.g. a34004=pm25:µg/m³`,
      );
    out[m[1]!] = { metric: m[2]!, unit: m[3]!.trim() };
  }
  return out;
}

function deviceFields(v: Values): Record<string, unknown> {
  if (v.disable && v.enable) throw new ValidationError('--disable or --enable, not both');
  const interval = v.interval === undefined ? undefined : Number(v.interval);
  const fields: Record<string, unknown> = {
    site: v.site,
    password: v.password,
    protocol_version: v.protocol,
    factors: v.factor ? parseFactors(v.factor) : undefined,
    crc_mode: v.crc,
    reply_format: v.reply,
    sm4_key: v['sm4-key'],
    expected_interval_seconds: interval,
    time_zone: v['time-zone'],
    length_lenient: v['length-lenient'],
    name: v.name,
    enabled: v.disable ? false : v.enable ? true : undefined,
  };
  return givenFields(fields);
}

export const run: CommandRun = registryCommand(USAGE, OPTIONS, {
  async add({ pool, v, out, actor }) {
    const d = await addDevice(pool, { mn: v.mn, ...deviceFields(v) }, actor);
    out(`added device ${d.mn} → site ${d.site_id} (HJ 212-${d.protocol_version}, CRC ${d.crc_mode})`);
  },
  async update({ pool, v, positionals, out, actor }) {
    const mn = positionals[0] ?? v.mn;
    if (!mn) throw new ValidationError(`which device? envwatch device update <MN> …\n${USAGE}`);
    const d = await changeDevice(pool, mn, deviceFields(v), actor);
    out(`updated device ${d.mn}`);
  },
  async list({ pool, out }) {
    for (const d of await listRegisteredDevices(pool)) {
      const p = publicDevice(d);
      const factors = Object.entries(p.factors)
        .map(([c, f]) => `${c}=${f.metric}:${f.unit}`)
        .join(',');
      out(
        `${p.mn}\t${p.site_id}\tHJ 212-${p.protocol_version}\tCRC ${p.crc_mode}\tevery ${p.expected_interval_seconds}s` +
          `${p.sm4_key_set ? '\tSM4' : ''}${p.enabled ? '' : '\tdisabled'}${factors ? `\t${factors}` : ''}`,
      );
    }
  },
});
