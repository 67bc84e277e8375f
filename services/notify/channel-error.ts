/**
 * A channel's answer that was not "accepted", classified once, here: temporary failures (SMTP 4xx,
 * HTTP 429/5xx, timeouts, connection errors, a provider's rate control) are retried with backoff; permanent
 * ones (SMTP 5xx, a refused number) stop, switch to the fallback channel and raise an operational alert
 * about the contact. A permanent failure of the provider ACCOUNT (balance used up, template not approved,
 * credentials or signature refused) fails the delivery the same way, but the operational alert is about
 * the account — one alert, however many contacts it hits.
 */
import { ExternalServiceError } from '../errors.js';

export class ChannelError extends ExternalServiceError {
  /** True when no message can go through this account until an operator acts. */
  readonly account: boolean;

  constructor(
    message: string,
    service: 'smtp' | 'sms',
    temporary: boolean,
    /** The provider's own code, recorded with the attempt: '550', 'http-429', 'isv.MOBILE_NUMBER_ILLEGAL', 'ETIMEDOUT'. */
    readonly responseCode: string,
    options?: { cause?: unknown; account?: boolean },
  ) {
    super(message, service, temporary, options);
    this.account = options?.account ?? false;
  }
}
