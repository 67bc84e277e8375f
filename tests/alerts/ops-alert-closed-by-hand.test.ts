/**
 * Issue #20: an operational alert an operator closes by hand (POST /api/alerts/:id/close → closeAlert) while
 * the address still refuses. The next failure must raise the alert again — one new alert for the address, told
 * to the operators once, not one per refused message — and the history keeps both: the closed one (who closed
 * it) and the new one. Same for the SMS provider-account alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAlertAs } from '../../services/api/alert-actions.js';
import { cliActor, cliPrincipal } from '../../services/cli/command.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
const MAILBOX = 'water.office@example.gov.cn';
const MAIL_KEY = `ops|delivery|${MAILBOX}|email`;
const ACCOUNT_KEY = 'ops|provider|sms';
const OPS = ['eeb.duty@example.gov.cn', 'eeb.liaison@example.gov.cn'];
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  // The water bureau's two contacts share one mailbox: each target alert sends it two e-mails.
  await db.pool.query(`UPDATE contact SET email = $1 WHERE id IN ('water.duty', 'water.engineer')`, [
    MAILBOX,
  ]);
  for (const id of ['T-MB-01', 'T-MB-02', 'T-MB-03'])
    await insertTarget(db.pool, {
      id,
      main_units: ['eeb'],
      assist_units: ['water_bureau'],
      lead_officials: [],
    });
  for (const id of ['T-AC-01', 'T-AC-02', 'T-AC-03'])
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: [] });
  h = await startHarness(db, { now: shanghaiInstant('2024-04-08', 9, 0), sms: 'aliyun' });
});

afterAll(async () => {
  await h?.close();
});

async function breach(targetId: string, scopeId: string): Promise<void> {
  await recordTestEvaluation(db.pool, {
    targetId,
    scopeId,
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-04-07',
  });
  await h.settle();
}

async function history(key: string) {
  const { rows } = await db.pool.query<{ id: number; state: string; closed_by: string | null }>(
    `SELECT id, state, closed_by FROM alert WHERE dedupe_key = $1 ORDER BY id`,
    [key],
  );
  return rows;
}

/** E-mails to the operators about this alert (its subject names what failed). */
const opsMailsAbout = (words: string) =>
  h.smtp.messages.filter((m) => OPS.includes(m.to[0]!) && (m.parsed.subject ?? '').includes(words)).length;

/** As POST /api/alerts/:id/close does it (the API's verb: lock, close, audit), by an administrator. */
async function closeByHand(key: string): Promise<void> {
  const [live] = (await history(key)).filter((a) => a.state !== 'closed');
  const actor = cliActor();
  await closeAlertAs(db.pool, cliPrincipal(actor), actor, live!.id, 'checked', h.clock);
}

describe('a refused mailbox whose operational alert was closed by hand', () => {
  it('raises one new alert on the next failure, told once, and keeps the closed one', async () => {
    h.smtp.refuseRecipient(MAILBOX, 550);
    await breach('T-MB-01', 'beiyuan');
    expect(await history(MAIL_KEY)).toMatchObject([{ state: 'firing' }]);
    expect(opsMailsAbout(MAILBOX)).toBe(2);

    await closeByHand(MAIL_KEY);
    await breach('T-MB-02', 'beiyuan'); // two more refusals, one per contact sharing the mailbox
    const after = await history(MAIL_KEY);
    expect(after).toMatchObject([
      { state: 'closed', closed_by: `user:${cliActor().name}` },
      { state: 'firing', closed_by: null },
    ]);
    expect(opsMailsAbout(MAILBOX)).toBe(4);
    // Each alert's own history: the first opened, refreshed by the second refusal, closed by the operator.
    const events = await db.pool.query<{ alert_id: number; kind: string }>(
      `SELECT alert_id, kind FROM alert_event WHERE alert_id = ANY($1::bigint[]) ORDER BY id`,
      [after.map((a) => a.id)],
    );
    const kindsOf = (id: number) => events.rows.filter((e) => e.alert_id === id).map((e) => e.kind);
    expect(kindsOf(after[0]!.id)).toEqual(['opened', 'updated', 'closed']);
    expect(kindsOf(after[1]!.id)).toEqual(['opened', 'updated']);

    await breach('T-MB-03', 'beiyuan'); // still refused: refreshed, not re-sent
    expect(await history(MAIL_KEY)).toEqual(after);
    expect(opsMailsAbout(MAILBOX)).toBe(4);
  });
});

describe('a provider-account alert closed by hand', () => {
  it('raises one new alert on the next account refusal, and keeps the closed one', async () => {
    h.aliyun!.script('isv.AMOUNT_NOT_ENOUGH');
    await breach('T-AC-01', 'luyi');
    expect(await history(ACCOUNT_KEY)).toMatchObject([{ state: 'firing' }]);
    const told = h.smtp.messages.length;

    await closeByHand(ACCOUNT_KEY);
    h.aliyun!.script('isv.AMOUNT_NOT_ENOUGH');
    await breach('T-AC-02', 'yongshun');
    const after = await history(ACCOUNT_KEY);
    expect(after).toMatchObject([
      { state: 'closed', closed_by: `user:${cliActor().name}` },
      { state: 'firing', closed_by: null },
    ]);

    h.aliyun!.script('isv.AMOUNT_NOT_ENOUGH');
    await breach('T-AC-03', 'beiyuan');
    expect(await history(ACCOUNT_KEY)).toEqual(after);
    expect(h.smtp.messages.length).toBeGreaterThan(told);
  });
});
