/**
 * Issue #20 (low): one SMTP 550 raised 26 operational alerts. The alert was keyed by contact: an address that
 * several contacts share (a bureau's office mailbox used by its 值班室 and its 工程师) raised one per contact,
 * and a message to any of them could re-raise it. Here the water bureau's two contacts share one mailbox that
 * answers 550, and three alerts reach it (six e-mails): the operators get ONE operational alert naming the
 * address, e-mailed once; each message that can fall back does so on its own (the engineer's SMS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { count, insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
const MAILBOX = 'water.office@example.gov.cn';
const TARGETS = ['T-550-01', 'T-550-02', 'T-550-03'];
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(`UPDATE contact SET email = $1 WHERE id IN ('water.duty', 'water.engineer')`, [
    MAILBOX,
  ]);
  // The water bureau assists: e-mail only, so the engineer's SMS below is the fallback, one per message.
  for (const id of TARGETS)
    await insertTarget(db.pool, {
      id,
      main_units: ['eeb'],
      assist_units: ['water_bureau'],
      lead_officials: [],
    });
  h = await startHarness(db, { now: shanghaiInstant('2024-04-08', 9, 0) });
});

afterAll(async () => {
  await h?.close();
});

describe('one refused mailbox, several messages', () => {
  it('raises one operational alert for the address, told once, and falls back per message', async () => {
    h.smtp.refuseRecipient(MAILBOX, 550);
    for (const targetId of TARGETS) {
      await recordTestEvaluation(db.pool, {
        targetId,
        scopeId: 'beiyuan',
        periodKey: '2024',
        status: 'breached',
        asOf: '2024-04-07',
      });
      await h.settle();
    }
    const failed = await count(
      db.pool,
      `SELECT count(*)::int AS n FROM delivery WHERE address = '${MAILBOX}' AND status = 'failed' AND last_error_code = '550'`,
    );
    expect(failed).toBe(6); // 3 alerts × 2 contacts
    const ops = await db.pool.query<{ dedupe_key: string; state: string; title_zh: string }>(
      `SELECT dedupe_key, state, title_zh FROM alert WHERE kind = 'operational' ORDER BY id`,
    );
    expect(ops.rows).toEqual([
      {
        dedupe_key: `ops|delivery|${MAILBOX}|email`,
        state: 'firing',
        title_zh: expect.stringContaining(MAILBOX),
      },
    ]);
    const opsMails = h.smtp.messages.filter((m) => (m.parsed.subject ?? '').includes(MAILBOX));
    expect(opsMails.map((m) => m.to[0]).sort()).toEqual([
      'eeb.duty@example.gov.cn',
      'eeb.liaison@example.gov.cn',
    ]);
    // Every message the engineer missed went by SMS instead; the duty room has no mobile (the alert says so).
    const fallbacks = await count(
      db.pool,
      `SELECT count(*)::int AS n FROM delivery WHERE step LIKE '%~fallback' AND recipient_id = 'water.engineer' AND channel = 'sms' AND status = 'sent'`,
    );
    expect(fallbacks).toBe(3);
  });
});
