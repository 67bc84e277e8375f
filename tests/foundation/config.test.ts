import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { ConfigError } from '../../services/errors.js';

describe('loadConfig', () => {
  it('works on a developer machine with no variables set', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/envwatch');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.BUSINESS_TIME_ZONE).toBe('Asia/Shanghai');
    expect(c.ROLES).toEqual(['scheduler', 'workers', 'api']);
  });

  it('runs the HJ 212 receiver only where ROLES names it; unset, wherever HJ212_PORT is set', () => {
    expect(loadConfig({ HJ212_PORT: '18212' }).ROLES).toEqual(['scheduler', 'workers', 'api', 'hj212']);
    expect(loadConfig({ HJ212_PORT: '18212', ROLES: 'workers' }).ROLES).toEqual(['workers']);
    expect(() => loadConfig({ ROLES: 'hj212' })).toThrow(/HJ212_PORT: required when ROLES includes hj212/);
  });

  it('reports every invalid key at once', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'not a url',
        HTTP_PORT: '99999',
        STORAGE_MODE: 'mongodb',
        ROLES: 'api,cron',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['DATABASE_URL', 'HTTP_PORT', 'STORAGE_MODE', 'ROLES']) expect(problems).toContain(key);
  });

  it('reads SCHEDULE_CRON as schedule id → cron expression, reporting every bad pair', () => {
    expect(loadConfig({}).SCHEDULE_CRON).toEqual({});
    expect(
      loadConfig({ SCHEDULE_CRON: 'reports-daily=0 10 * * *; rollups-sweep = * * * * * *' }).SCHEDULE_CRON,
    ).toEqual({ 'reports-daily': '0 10 * * *', 'rollups-sweep': '* * * * * *' });
    let error: unknown;
    try {
      loadConfig({
        SCHEDULE_CRON: 'alert-sweep=61 * * * *;reports-daily;task-overdue=5 0 * * *;task-overdue=6 0 * * *',
      });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      'SCHEDULE_CRON: alert-sweep: "61 * * * *" is not a cron expression',
      'SCHEDULE_CRON: "reports-daily": expected <schedule id>=<cron expression>',
      'SCHEDULE_CRON: task-overdue: given twice',
    ]);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ HTTP_PORT: '' }).HTTP_PORT).toBe(8080);
  });

  it('refuses to run in production without an APP_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/APP_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32) }).APP_SECRET).toBe(
      'x'.repeat(32),
    );
  });

  it('refuses an SMS provider chosen without what it needs, naming every missing key', () => {
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problemsOf({ SMS_PROVIDER: 'tencent' })).toEqual([
      'SMS_ACCESS_KEY/SMS_ACCESS_SECRET: required with SMS_PROVIDER=tencent',
      'SMS_SDK_APP_ID: required with SMS_PROVIDER=tencent (the SmsSdkAppId)',
    ]);
    expect(problemsOf({ SMS_AMBIGUOUS_POLICY: 'maybe' }).join()).toContain('SMS_AMBIGUOUS_POLICY');
    const ok = loadConfig({ SMS_PROVIDER: 'aliyun', SMS_ACCESS_KEY: 'k', SMS_ACCESS_SECRET: 's' });
    expect(ok.SMS_AMBIGUOUS_POLICY).toBe('resend');
    expect(ok.SMS_ACK_LINKS).toBe(true);
  });
});

describe('.env.example', () => {
  // The file a deployer copies: every key with a default is listed there (set or commented out), and the values
  // it sets parse. Keys were added in code and forgotten in the example before this check existed.
  const text = readFileSync(path.resolve(import.meta.dirname, '../../.env.example'), 'utf8');
  const set = Object.fromEntries(
    [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
  );
  const listed = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

  it('lists every configuration key that has a default', () => {
    const fixed = new Set(['BUSINESS_TIME_ZONE', 'APP_SECRET', 'COOKIE_SECURE']);
    const missing = Object.keys(loadConfig({})).filter((k) => !fixed.has(k) && !listed.has(k));
    expect(missing).toEqual([]);
  });

  it('sets only values that parse', () => {
    expect(() => loadConfig(set)).not.toThrow();
  });
});
