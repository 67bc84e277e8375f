/**
 * A channel's answer that was not "accepted", classified once, here: temporary failures (SMTP 4xx,
 * HTTP 429/5xx, timeouts, connection errors) are retried with backoff; permanent ones (SMTP 5xx, a refused
 * number, a rejected template) stop, switch to the fallback channel and raise an operational alert.
 */
import { ExternalServiceError } from '../errors.js';

export class ChannelError extends ExternalServiceError {
  constructor(
    message: string,
    service: 'smtp' | 'sms',
    temporary: boolean,
    /** The provider's own code, recorded with the attempt: '550', 'http-429', 'isv.MOBILE_NUMBER_ILLEGAL', 'ETIMEDOUT'. */
    readonly responseCode: string,
    options?: { cause?: unknown },
  ) {
    super(message, service, temporary, options);
  }
}
