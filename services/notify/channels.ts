/** The delivery channels a worker is given (wired in services/runtime/app-context.ts, faked by no test). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/env.js';
import { createEmailChannel, type EmailChannel } from './email-channel.js';
import { createRedisRateLimiter } from './rate-limiter.js';
import { createDisabledSmsChannel, createSmsChannel, type SmsChannel } from './sms-channel.js';

export interface NotifyChannels {
  email: EmailChannel;
  sms: SmsChannel;
}

/** `redis` carries the shared per-channel rate limits (keys under the queue prefix). */
export function createNotifyChannels(config: Config, redis: Redis): NotifyChannels {
  const limiterKey = (channel: string) => `${config.QUEUE_PREFIX}:ratelimit:${channel}`;
  const email = createEmailChannel({
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    timeoutMs: config.SMTP_TIMEOUT_SECONDS * 1000,
    sendTimeoutMs: config.SMTP_SEND_TIMEOUT_SECONDS * 1000,
    maxConnections: config.SMTP_MAX_CONNECTIONS,
    limiter: createRedisRateLimiter({
      redis,
      key: limiterKey('email'),
      perSecond: config.EMAIL_RATE_PER_SECOND,
    }),
  });
  const sms =
    config.SMS_GATEWAY_URL && config.SMS_ACCESS_KEY && config.SMS_ACCESS_SECRET
      ? createSmsChannel({
          url: config.SMS_GATEWAY_URL,
          accessKey: config.SMS_ACCESS_KEY,
          accessSecret: config.SMS_ACCESS_SECRET,
          signName: config.SMS_SIGN_NAME,
          timeoutMs: config.SMS_TIMEOUT_SECONDS * 1000,
          limiter: createRedisRateLimiter({
            redis,
            key: limiterKey('sms'),
            perSecond: config.SMS_RATE_PER_SECOND,
          }),
        })
      : createDisabledSmsChannel(config.SMS_SIGN_NAME);
  return { email, sms };
}
