/**
 * Retry delays for temporary delivery failures (SMTP 4xx, HTTP 429/5xx, timeouts): exponential from the
 * base, capped, with ±20 % jitter so a provider outage does not end in a synchronised stampede. The next
 * attempt time is stored on the delivery (not_before), so a restart keeps the schedule.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(maxMs, exp * jitter));
}
