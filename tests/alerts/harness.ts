/**
 * The alert pipeline on real components for a test file: the file's own database, a unique BullMQ prefix on
 * the real Redis, a real SMTP server and a local SMS gateway, the production channels and (optionally) the
 * production worker host — driven by a ManualClock. `sweep()` runs the minute sweep at the clock's time;
 * `settle()` waits until nothing is left to relay, queue or send.
 */
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../config/env.js';
import { alertDeps, type AlertDeps } from '../../services/alerts/alert-deps.js';
import { runAlertSweep, type SweepSummary } from '../../services/alerts/sweep.js';
import { createLogger } from '../../services/logging.js';
import { createNotifyChannels, type NotifyChannels } from '../../services/notify/channels.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { closeQueues, createEnqueue, createQueues, type Queues } from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import type { TestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { startAliyunFake, type AliyunFake } from '../helpers/sms-aliyun-fake.js';
import { startSmsGateway, type SmsGateway } from '../helpers/sms-gateway.js';
import { startTencentFake, type TencentFake } from '../helpers/sms-tencent-fake.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';

export interface Harness {
  config: Config;
  clock: ManualClock;
  redis: Redis;
  queues: Queues;
  channels: NotifyChannels;
  deps: AlertDeps;
  smtp: SmtpCatcher;
  gateway: SmsGateway;
  /** Set when the harness was started with `sms: 'aliyun'`: SMS then go to this fake provider. */
  aliyun: AliyunFake | null;
  /** Set when the harness was started with `sms: 'tencent'`. */
  tencent: TencentFake | null;
  /** The environment that points SMS at the chosen fake (for child processes). */
  smsEnv: Record<string, string>;
  prefix: string;
  sweep(): Promise<SweepSummary>;
  relay(): Promise<number>;
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  db: TestDatabase,
  opts: {
    now: Date;
    env?: Record<string, string>;
    workers?: boolean;
    sms?: 'gateway' | 'aliyun' | 'tencent';
  },
): Promise<Harness> {
  const smtp = await startSmtpCatcher();
  const gateway = await startSmsGateway();
  const clock = new ManualClock(opts.now);
  const aliyun = opts.sms === 'aliyun' ? await startAliyunFake({ now: () => clock.now() }) : null;
  const tencent = opts.sms === 'tencent' ? await startTencentFake() : null;
  const smsEnv: Record<string, string> = aliyun
    ? {
        SMS_PROVIDER: 'aliyun',
        SMS_ENDPOINT: aliyun.endpoint,
        SMS_ACCESS_KEY: aliyun.accessKeyId,
        SMS_ACCESS_SECRET: aliyun.accessKeySecret,
      }
    : tencent
      ? {
          SMS_PROVIDER: 'tencent',
          SMS_ENDPOINT: tencent.endpoint,
          SMS_ACCESS_KEY: tencent.secretId,
          SMS_ACCESS_SECRET: tencent.secretKey,
          SMS_SDK_APP_ID: tencent.sdkAppId,
        }
      : {
          SMS_GATEWAY_URL: gateway.url,
          SMS_ACCESS_KEY: gateway.accessKey,
          SMS_ACCESS_SECRET: gateway.accessSecret,
        };
  const prefix = uniqueQueuePrefix();
  const config = loadConfig({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    SMTP_URL: smtp.url,
    ...smsEnv,
    PUBLIC_BASE_URL: 'https://envwatch.example.gov.cn',
    LOG_LEVEL: 'silent',
    // The tests of one alert's messages see each message by itself; grouping has its own tests.
    ALERT_GROUP_WAIT_SECONDS: '0',
    ...opts.env,
  });
  const logger = createLogger({ level: 'silent' });
  const redis = createTestRedis();
  const queues = createQueues(redis, prefix);
  const enqueue = createEnqueue(queues, registry);
  const channels = createNotifyChannels(config, redis);
  const deps = alertDeps({ config, db: db.pool, clock, channels, logger });
  let host: WorkerHost | null = null;
  if (opts.workers !== false) {
    host = startWorkers(
      { config, db: db.pool, logger, clock, enqueue, queues, channels, connection: redis },
      ['alerts', 'deliveries'],
    );
  }
  const busy = async (): Promise<boolean> => {
    const { rows } = await db.pool.query<{ outbox: number; deliveries: number }>(
      `SELECT (SELECT count(*)::int FROM outbox WHERE relayed_at IS NULL) AS outbox,
              (SELECT count(*)::int FROM delivery WHERE mode = 'immediate' AND status IN ('pending', 'sending')) AS deliveries`,
    );
    if (rows[0]!.outbox > 0 || rows[0]!.deliveries > 0) return true;
    for (const name of ['alerts', 'deliveries'] as const) {
      const c = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(c).some((n) => n > 0)) return true;
    }
    return false;
  };
  return {
    config,
    clock,
    redis,
    queues,
    channels,
    deps,
    smtp,
    gateway,
    aliyun,
    tencent,
    smsEnv,
    prefix,
    sweep: () => runAlertSweep(deps, queues),
    relay: () => relayAll(db.pool, queues),
    async settle(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      // Two quiet polls in a row: a job can be between "taken from the queue" and "row claimed".
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error('the alert pipeline did not settle');
        quiet = (await busy()) ? 0 : quiet + 1;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await host?.close();
      await closeQueues(queues);
      channels.email.close();
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
      await smtp.close();
      await gateway.close();
      await aliyun?.close();
      await tencent?.close();
    },
  };
}
