/** Errors of the reports domain, with codes; see services/errors.ts for the hierarchy. */
import { EnvwatchError } from '../errors.js';

/**
 * Rendering failed. `permanent` when retrying cannot help (Chromium or the fonts are not installed: an
 * operator must act); a crashed or timed-out browser is temporary and the job retries.
 */
export class ReportRenderError extends EnvwatchError {
  readonly code = 'REPORT_RENDER';
  constructor(
    message: string,
    private readonly isPermanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  override get permanent(): boolean {
    return this.isPermanent;
  }
}
