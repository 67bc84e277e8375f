/**
 * The acknowledgement links: GET /ack/:token (e-mails) or /a/:token (SMS, a short token naming the
 * delivery) shows the alert and a button, POST acknowledges it (with an optional comment). GET never
 * acknowledges: mail gateways and link scanners fetch every link in a message, and a scanner must not stop an escalation. The token is signed and
 * expires (alerts/ack-token.ts); the actor recorded is the contact the e-mail was sent to. The pages are not
 * cached and send no Referer, since the URL is the credential.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type pg from 'pg';
import type { Config } from '../../config/env.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import { alertPage, noticePage, type Notice, type PageLang } from './pages/ack-page.js';
import { AckTokenExpiredError, verifyAckToken, type AckClaims } from '../alerts/ack-token.js';
import { resolveSmsAckToken } from '../alerts/sms-ack.js';
import { getAlert } from '../alerts/alert-queries.js';
import { acknowledgeAlert } from '../alerts/lifecycle.js';
import { getContact } from '../alerts/routing-queries.js';

export interface AckRouteDeps {
  db: pg.Pool;
  clock: Clock;
  config: Pick<Config, 'APP_SECRET' | 'ALERT_ACK_TOKEN_TTL_HOURS'>;
}

interface AckRequest {
  Params: { '*': string };
  Querystring: { lang?: string };
  Body: { comment?: unknown } | undefined;
}

const STATUS: Record<Notice, number> = {
  done: 200,
  already: 200,
  alreadyNoComment: 200,
  notOpen: 409,
  invalid: 403,
  expired: 410,
  missing: 404,
};

// The page opened from an e-mail runs no script and loads nothing; its only styles are inline attributes.
const ACK_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', ACK_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .send(html);
}

export async function registerAlertAckRoutes(app: FastifyInstance, deps: AckRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody); // only in this scope: the rest of the API stays JSON-only

    const claimsOf = async (token: string): Promise<AckClaims | Notice> => {
      try {
        return verifyAckToken(deps.config.APP_SECRET, token, deps.clock.now());
      } catch (err) {
        if (err instanceof AckTokenExpiredError) return 'expired';
        if (err instanceof ForbiddenError) return 'invalid';
        throw err;
      }
    };
    // The SMS link names a delivery: the alert and the contact are on its row, the expiry counts from it.
    const shortClaimsOf = async (token: string): Promise<AckClaims | Notice> => {
      try {
        return await resolveSmsAckToken(deps.db, {
          secret: deps.config.APP_SECRET,
          token,
          now: deps.clock.now(),
          ttlMs: deps.config.ALERT_ACK_TOKEN_TTL_HOURS * 3_600_000,
        });
      } catch (err) {
        if (err instanceof AckTokenExpiredError) return 'expired';
        if (err instanceof ForbiddenError) return 'invalid';
        if (err instanceof NotFoundError) return 'missing';
        throw err;
      }
    };
    const langOf = async (query: { lang?: string }, contactId: string | null): Promise<PageLang> => {
      if (query.lang === 'en' || query.lang === 'zh') return query.lang;
      const contact = contactId ? await getContact(deps.db, contactId) : null;
      return contact?.locale === 'en' ? 'en' : 'zh';
    };

    // A wildcard, not ':token': parametric segments are capped by the server's maxParamLength (100 by default).
    registerAckPair(scope, '/ack', claimsOf, langOf, deps);
    registerAckPair(scope, '/a', shortClaimsOf, langOf, deps);
  });
}

type ClaimsOf = (token: string) => Promise<AckClaims | Notice>;
type LangOf = (query: { lang?: string }, contactId: string | null) => Promise<PageLang>;

/** GET shows the alert and a form (never acknowledges), POST acknowledges: for one kind of link. */
function registerAckPair(
  scope: FastifyInstance,
  prefix: '/ack' | '/a',
  claimsOf: ClaimsOf,
  langOf: LangOf,
  deps: AckRouteDeps,
): void {
  scope.get<AckRequest>(`${prefix}/*`, async (req, reply) => {
    const claims = await claimsOf(req.params['*']);
    const lang = await langOf(req.query, typeof claims === 'string' ? null : claims.contactId);
    if (typeof claims === 'string') return send(reply, STATUS[claims], noticePage(lang, claims));
    const alert = await getAlert(deps.db, claims.alertId);
    if (!alert) return send(reply, 404, noticePage(lang, 'missing'));
    return send(reply, 200, alertPage(lang, alert, { action: `${prefix}/${req.params['*']}` }));
  });

  scope.post<AckRequest>(`${prefix}/*`, async (req, reply) => {
    const claims = await claimsOf(req.params['*']);
    const lang = await langOf(req.query, typeof claims === 'string' ? null : claims.contactId);
    if (typeof claims === 'string') return send(reply, STATUS[claims], noticePage(lang, claims));
    const raw = req.body?.comment;
    const comment = typeof raw === 'string' ? raw.slice(0, 2000) : null;
    const action = `${prefix}/${req.params['*']}`;
    try {
      const r = await acknowledgeAlert(deps.db, {
        alertId: claims.alertId,
        actor: `contact:${claims.contactId}`,
        comment,
        at: deps.clock.now(),
        commentAfterAck: false,
      });
      const notice: Notice =
        r.outcome === 'acknowledged' ? 'done' : r.commentDropped ? 'alreadyNoComment' : 'already';
      return send(reply, 200, alertPage(lang, r.alert, { action, notice }));
    } catch (err) {
      if (err instanceof ConflictError) {
        const alert = await getAlert(deps.db, claims.alertId);
        return send(
          reply,
          409,
          alert ? alertPage(lang, alert, { action: '', notice: 'notOpen' }) : noticePage(lang, 'notOpen'),
        );
      }
      if (err instanceof NotFoundError) return send(reply, 404, noticePage(lang, 'missing'));
      throw err;
    }
  });
}
