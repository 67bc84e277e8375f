/** The delivery channels a worker is given (wired in services/runtime/app-context.ts, faked by no test). */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/env.js';
import { createEmailChannel, type EmailChannel } from './email-channel.js';
import { createRedisRateLimiter, type RateLimiter } from './rate-limiter.js';
import { ALIYUN_DEFAULT_ENDPOINT, createAliyunSmsChannel } from './sms-aliyun.js';
import { createDisabledSmsChannel, type SmsChannel } from './sms-channel.js';
import { createGatewaySmsChannel } from './sms-gateway-provider.js';
import { createTencentSmsChannel, TENCENT_DEFAULT_ENDPOINT } from './sms-tencent.js';

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
  const smsLimiter = createRedisRateLimiter({
    redis,
    key: limiterKey('sms'),
    perSecond: config.SMS_RATE_PER_SECOND,
  });
  return { email, sms: createSmsProvider(config, smsLimiter) };
}

/** SMS_PROVIDER, or the generic gateway when only SMS_GATEWAY_URL is set (the setting before providers). */
export function createSmsProvider(config: Config, limiter: RateLimiter): SmsChannel {
  const provider = config.SMS_PROVIDER ?? (config.SMS_GATEWAY_URL ? 'gateway' : null);
  const key = config.SMS_ACCESS_KEY;
  const secret = config.SMS_ACCESS_SECRET;
  if (!provider || !key || !secret) return createDisabledSmsChannel(config.SMS_SIGN_NAME);
  const common = {
    signName: config.SMS_SIGN_NAME,
    timeoutMs: config.SMS_TIMEOUT_SECONDS * 1000,
    limiter,
    ...(config.SMS_VARIABLE_MAX ? { variableMax: config.SMS_VARIABLE_MAX } : {}),
  };
  // Where a provider is reached unless configured: its documented endpoint and region.
  const at = (endpoint: string, region: string) => ({
    endpoint: config.SMS_ENDPOINT ?? endpoint,
    region: config.SMS_REGION ?? region,
  });
  switch (provider) {
    case 'aliyun': {
      const keys = { accessKeyId: key, accessKeySecret: secret };
      return createAliyunSmsChannel({ ...common, ...at(ALIYUN_DEFAULT_ENDPOINT, 'cn-hangzhou'), ...keys });
    }
    case 'tencent': {
      const keys = { secretId: key, secretKey: secret, sdkAppId: config.SMS_SDK_APP_ID ?? '' };
      return createTencentSmsChannel({ ...common, ...at(TENCENT_DEFAULT_ENDPOINT, 'ap-guangzhou'), ...keys });
    }
    case 'gateway':
      return config.SMS_GATEWAY_URL
        ? createGatewaySmsChannel({
            ...common,
            url: config.SMS_GATEWAY_URL,
            accessKey: key,
            accessSecret: secret,
          })
        : createDisabledSmsChannel(config.SMS_SIGN_NAME);
  }
}
