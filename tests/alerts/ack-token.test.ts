/** Signed, expiring acknowledgement tokens (pure). */
import { describe, expect, it } from 'vitest';
import {
  AckTokenExpiredError,
  ackUrl,
  createAckToken,
  verifyAckToken,
} from '../../services/alerts/ack-token.js';
import { ForbiddenError } from '../../services/errors.js';

const secret = 'x'.repeat(32);
const now = new Date('2024-03-05T02:00:00Z');
const claims = {
  alertId: 123_456,
  contactId: 'gov_zhangjiawan.liaison',
  expiresAt: now.getTime() + 3_600_000,
};

describe('ack tokens', () => {
  it('round-trip their claims (to the second) and stay short enough for a URL path segment', () => {
    const t = createAckToken(secret, claims);
    expect(verifyAckToken(secret, t, now)).toEqual(claims);
    expect(t.length).toBeLessThan(100);
    expect(ackUrl('https://envwatch.example.gov.cn/', t)).toBe(`https://envwatch.example.gov.cn/ack/${t}`);
  });

  it('refuse another secret, a changed payload and garbage', () => {
    const t = createAckToken(secret, claims);
    expect(() => verifyAckToken('y'.repeat(32), t, now)).toThrow(ForbiddenError);
    const other = createAckToken(secret, { ...claims, alertId: 1 });
    expect(() => verifyAckToken(secret, `${other.split('.')[0]}.${t.split('.')[1]}`, now)).toThrow(
      ForbiddenError,
    );
    expect(() => verifyAckToken(secret, 'not-a-token', now)).toThrow(ForbiddenError);
    expect(() => verifyAckToken(secret, `${t}.x`, now)).toThrow(ForbiddenError);
  });

  it('expire', () => {
    const t = createAckToken(secret, claims);
    expect(() => verifyAckToken(secret, t, new Date(claims.expiresAt))).toThrow(AckTokenExpiredError);
  });
});
