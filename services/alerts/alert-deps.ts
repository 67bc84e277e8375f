/**
 * What the alert and delivery services need from the runtime, built from a job's context (or a test's
 * wiring). Settings are parsed once per config object, not once per job.
 */
import type pg from 'pg';
import type { Config } from '../../config/env.js';
import type { Logger } from '../logging.js';
import type { NotifyChannels } from '../notify/channels.js';
import { parseTemplateCodes } from '../notify/sms-templates.js';
import type { Clock } from '../time/shanghai.js';
import { alertSettings, type AlertSettings } from './alert-settings.js';

export interface AlertDeps {
  db: pg.Pool;
  clock: Clock;
  channels: NotifyChannels;
  logger: Logger;
  settings: AlertSettings;
  smsCodes: Readonly<Record<string, string>>;
  /** The domain of MAIL_FROM, for Message-IDs. */
  mailDomain: string;
}

const cache = new WeakMap<
  Config,
  { settings: AlertSettings; smsCodes: Record<string, string>; mailDomain: string }
>();

export function alertDeps(r: {
  config: Config;
  db: pg.Pool;
  clock: Clock;
  channels: NotifyChannels;
  logger: Logger;
}): AlertDeps {
  let parsed = cache.get(r.config);
  if (!parsed) {
    parsed = {
      settings: alertSettings(r.config),
      smsCodes: parseTemplateCodes(r.config.SMS_TEMPLATE_CODES),
      mailDomain: /@([^>\s]+)>?\s*$/.exec(r.config.MAIL_FROM)?.[1] ?? 'envwatch.local',
    };
    cache.set(r.config, parsed);
  }
  return { db: r.db, clock: r.clock, channels: r.channels, logger: r.logger, ...parsed };
}
