/**
 * The claims behind an SMS acknowledgement link (`/a/<token>`): the short token names a delivery, whose row
 * says which alert and which contact; the link expires ALERT_ACK_TOKEN_TTL_HOURS after the delivery was
 * planned. The web edge calls this; it cannot read notify's delivery rows itself.
 */
import type { Queryable } from '../db/queryable.js';
import { NotFoundError } from '../errors.js';
import { getDelivery } from '../notify/delivery-queries.js';
import { AckTokenExpiredError, verifyShortAckToken, type AckClaims } from './ack-token.js';

/** ForbiddenError (forged, malformed), NotFoundError (no such delivery), AckTokenExpiredError. */
export async function resolveSmsAckToken(
  db: Queryable,
  a: { secret: string; token: string; now: Date; ttlMs: number },
): Promise<AckClaims> {
  const deliveryId = verifyShortAckToken(a.secret, a.token);
  const d = await getDelivery(db, deliveryId);
  if (!d || d.alert_id === null) throw new NotFoundError(`no delivery ${deliveryId} with an alert`);
  const claims = {
    alertId: d.alert_id,
    contactId: d.recipient_id,
    expiresAt: d.created_at.getTime() + a.ttlMs,
  };
  if (a.now.getTime() >= claims.expiresAt) throw new AckTokenExpiredError(claims);
  return claims;
}
