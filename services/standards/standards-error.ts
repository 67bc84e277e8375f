/**
 * The one error this library throws: the caller handed it something the standards cannot evaluate
 * (a malformed day, a negative concentration, an unknown water parameter, an impossible count).
 *
 * WHY a local class: the foundation's shared error hierarchy does not exist yet; the code string is
 * stable so the later hierarchy can map it (bad input → permanent failure, never retried).
 */
export class StandardsError extends Error {
  readonly code = 'STANDARDS_INPUT' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StandardsError';
  }
}
