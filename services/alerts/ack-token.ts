/**
 * Acknowledgement links: `${PUBLIC_BASE_URL}/ack/<token>`. The token names the alert and the contact it
 * was sent to and expires; it is signed with HMAC-SHA256 under APP_SECRET, so it can be checked without a
 * table of issued tokens and cannot be forged or moved to another alert. Compact on purpose: it ends up in
 * e-mails that people forward and mail gateways rewrite.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, EnvwatchError } from '../errors.js';

export interface AckClaims {
  alertId: number;
  contactId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export class AckTokenExpiredError extends EnvwatchError {
  readonly code = 'ACK_TOKEN_EXPIRED';
  override get permanent(): boolean {
    return true;
  }
  constructor(readonly claims: AckClaims) {
    super(`acknowledgement link expired at ${new Date(claims.expiresAt).toISOString()}`);
  }
}

const VERSION = 1;
/** 128 bits of HMAC-SHA256: ample against forgery, and the link stays short enough for mail clients. */
const MAC_BYTES = 16;

function sign(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', secret).update('envwatch-ack|').update(payload).digest().subarray(0, MAC_BYTES);
}

/** Binary, not JSON: version (1 byte), alert id (6), expiry in epoch seconds (4), contact id (UTF-8). */
export function createAckToken(secret: string, claims: AckClaims): string {
  const contact = Buffer.from(claims.contactId, 'utf8');
  const payload = Buffer.alloc(11 + contact.length);
  payload.writeUInt8(VERSION, 0);
  payload.writeUIntBE(claims.alertId, 1, 6);
  payload.writeUInt32BE(Math.floor(claims.expiresAt / 1000), 7);
  contact.copy(payload, 11);
  return `${payload.toString('base64url')}.${sign(secret, payload).toString('base64url')}`;
}

/** Throws ForbiddenError for a malformed or forged token, AckTokenExpiredError for an expired one. */
export function verifyAckToken(secret: string, token: string, now: Date): AckClaims {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) throw new ForbiddenError('malformed acknowledgement link');
  const payload = Buffer.from(body, 'base64url');
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ForbiddenError('acknowledgement link signature does not match');
  }
  if (payload.length < 12 || payload.readUInt8(0) !== VERSION)
    throw new ForbiddenError('malformed acknowledgement link');
  const claims: AckClaims = {
    alertId: payload.readUIntBE(1, 6),
    expiresAt: payload.readUInt32BE(7) * 1000,
    contactId: payload.subarray(11).toString('utf8'),
  };
  if (now.getTime() >= claims.expiresAt) throw new AckTokenExpiredError(claims);
  return claims;
}

export function ackUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/ack/${token}`;
}

/**
 * The SMS form of the link: `<SMS_ACK_BASE_URL>/a/<token>`, short enough for a text message. The token
 * names one delivery (the alert and the contact it went to are on its row, and it expires
 * ALERT_ACK_TOKEN_TTL_HOURS after the delivery was planned) and carries a 48-bit HMAC-SHA256 tag: a guess
 * succeeds once in 2^48 requests to the API, which is out of reach online; the e-mail token's 128 bits
 * would cost the SMS 16 more characters. A delivery id of up to 6 bytes gives 10–16 characters in all.
 */
const SHORT_MAC_BYTES = 6;

function shortMac(secret: string, id: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update('envwatch-sms-ack|')
    .update(id)
    .digest()
    .subarray(0, SHORT_MAC_BYTES);
}

export function createShortAckToken(secret: string, deliveryId: number): string {
  const hex = deliveryId.toString(16);
  const id = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return Buffer.concat([id, shortMac(secret, id)]).toString('base64url');
}

/** The delivery id the token names; ForbiddenError for a malformed or forged one. */
export function verifyShortAckToken(secret: string, token: string): number {
  const raw = /^[A-Za-z0-9_-]{8,22}$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  if (raw.length <= SHORT_MAC_BYTES || raw.length > SHORT_MAC_BYTES + 6)
    throw new ForbiddenError('malformed acknowledgement link');
  const id = raw.subarray(0, raw.length - SHORT_MAC_BYTES);
  const given = raw.subarray(raw.length - SHORT_MAC_BYTES);
  if (!timingSafeEqual(given, shortMac(secret, id)))
    throw new ForbiddenError('acknowledgement link signature does not match');
  return id.readUIntBE(0, id.length);
}
