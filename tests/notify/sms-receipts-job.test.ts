/**
 * The poll-sms-receipts job on the production worker host, with SMS through the Tencent provider (a local
 * fake that verifies TC3 signatures): the reports pulled with PullSmsSendStatus move one delivery to
 * delivered and another to failed — the contact covered by e-mail and the operators told — and a report
 * for a message envwatch does not know is ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { createEnqueue } from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-RCP-01', 'T-RCP-02']) {
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: [] });
  }
  h = await startHarness(db, { now: shanghaiInstant('2024-07-01', 10, 0), sms: 'tencent' });
});

afterAll(async () => {
  await h?.close();
});

const smsOf = async (targetId: string) =>
  (
    await db.pool.query<{
      id: number;
      status: string;
      provider_message_id: string;
      receipt_status: string | null;
      receipt_code: string | null;
      recipient_id: string;
      address: string;
    }>(
      `SELECT d.id, d.status, d.provider_message_id, d.receipt_status, d.receipt_code, d.recipient_id, d.address
         FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = $1 AND d.channel = 'sms'
        ORDER BY d.id LIMIT 1`,
      [targetId],
    )
  ).rows[0]!;

describe('poll-sms-receipts with Tencent PullSmsSendStatus', () => {
  it('records a delivered and a failed report; the failed one is covered by e-mail and the operators are told', async () => {
    for (const [targetId, scopeId] of [
      ['T-RCP-01', 'beiyuan'],
      ['T-RCP-02', 'luyi'],
    ] as const) {
      await recordTestEvaluation(db.pool, {
        targetId,
        scopeId,
        periodKey: '2024',
        status: 'breached',
        asOf: '2024-06-30',
      });
    }
    await h.settle();
    const ok = await smsOf('T-RCP-01');
    const bad = await smsOf('T-RCP-02');
    expect([ok.status, bad.status]).toEqual(['sent', 'sent']);
    expect(h.tencent!.messages.map((m) => m.phone).sort()).toEqual(['+8613800000102', '+8613800000103']);

    h.tencent!.report(ok.provider_message_id, 'SUCCESS');
    h.tencent!.report(bad.provider_message_id, 'FAIL', '空号');
    h.tencent!.report('2640:unknown-serial', 'SUCCESS');
    await createEnqueue(h.queues, registry)('poll-sms-receipts', {});
    await h.settle();
    const deadline = Date.now() + 10_000;
    while ((await smsOf('T-RCP-02')).receipt_status === null) {
      if (Date.now() > deadline) throw new Error('the receipts job did not record the reports');
      await new Promise((r) => setTimeout(r, 50));
    }
    await h.settle();

    expect(await smsOf('T-RCP-01')).toMatchObject({
      status: 'sent',
      receipt_status: 'delivered',
      receipt_code: 'SUCCESS',
    });
    expect(await smsOf('T-RCP-02')).toMatchObject({
      status: 'failed',
      receipt_status: 'failed',
      receipt_code: 'FAIL',
    });
    expect(h.smtp.messages.some((m) => m.to[0] === 'luyi@example.gov.cn')).toBe(true);
    const ops = await db.pool.query<{ body_zh: string }>(`SELECT body_zh FROM alert WHERE dedupe_key = $1`, [
      `ops|delivery|${bad.address}|sms`,
    ]);
    expect(ops.rows[0]!.body_zh).toContain('空号');
  });
});
