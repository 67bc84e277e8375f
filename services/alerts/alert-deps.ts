/**
 * What the alert and delivery services need from the runtime, built from a job's context (or a test's
 * wiring). Settings are parsed once per config object, not once per job.
 */
import type pg from 'pg';
import type { Config } from '../../config/env.js';
import type { Logger } from '../logging.js';
import type { NotifyChannels } from '../notify/channels.js';
import type { DeliveryOutcomes, MessageSource } from '../notify/message.js';
import type { NotifyDeps } from '../notify/send-delivery.js';
import { parseTemplateCodes } from '../notify/sms-templates.js';
import type { Clock } from '../time/shanghai.js';
import { alertSettings, type AlertSettings } from './alert-settings.js';
import { alertMessageSource } from './delivery-messages.js';
import { alertDeliveryOutcomes } from './delivery-outcomes.js';

/** Also what notify's sendDelivery needs, with the alerts side of its message and outcome seams. */
export interface AlertDeps extends NotifyDeps {
  settings: AlertSettings;
}

const cache = new WeakMap<
  Config,
  {
    settings: AlertSettings;
    smsCodes: Record<string, string>;
    smsAck: AlertDeps['smsAck'];
    mailDomain: string;
    messages: MessageSource;
  }
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
    const settings = alertSettings(r.config);
    parsed = {
      settings,
      messages: alertMessageSource(settings),
      smsCodes: parseTemplateCodes(r.config.SMS_TEMPLATE_CODES),
      smsAck: r.config.SMS_ACK_LINKS
        ? {
            base: r.config.SMS_ACK_BASE_URL ?? r.config.PUBLIC_BASE_URL,
            segments: r.config.SMS_ACK_MAX_SEGMENTS,
          }
        : null,
      mailDomain: /@([^>\s]+)>?\s*$/.exec(r.config.MAIL_FROM)?.[1] ?? 'envwatch.local',
    };
    cache.set(r.config, parsed);
  }
  const outcomes: DeliveryOutcomes = alertDeliveryOutcomes({
    settings: parsed.settings,
    smsEnabled: r.channels.sms.enabled,
  });
  return { db: r.db, clock: r.clock, channels: r.channels, logger: r.logger, outcomes, ...parsed };
}
