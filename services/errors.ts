/**
 * The typed error hierarchy. Every error carries a stable `code` that the API maps to a status and the job
 * runner maps to "permanent" (bad input: do not retry) or "temporary" (retry with backoff).
 */
export abstract class EnvwatchError extends Error {
  abstract readonly code: string;
  /** Bad input never gets better by retrying; everything else is worth another try with backoff. */
  get permanent(): boolean {
    return false;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input, a missing thing, a refusal: retrying cannot change the answer. */
export abstract class PermanentError extends EnvwatchError {
  override get permanent(): boolean {
    return true;
  }
}

export class ConfigError extends PermanentError {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export class ValidationError extends PermanentError {
  readonly code: string = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly details: { path?: string; reason?: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An empty delivery, refused the same way at every door that takes a file (the drop directory, `envwatch
 * ingest` and --bulk, the task 台账 upload; an HTTP push of no measurements likewise). An empty file is never
 * what a sender meant to hand over — a transfer cut short, an export of the wrong period — and a refusal keeps
 * it where a person sees it (failed/ and a failed batch, or the caller's error); an accepted empty batch would
 * look like a delivery (docs/decisions.md, "Empty deliveries"). `noRows`: nothing at all (0 bytes, blank lines,
 * a workbook without a row); `headerOnly`: no row under the header.
 */
export class EmptyFileError extends ValidationError {
  constructor(name: string, what: 'noRows' | 'headerOnly') {
    const zh = what === 'noRows' ? '文件为空（没有任何行）' : '文件只有表头，没有数据行';
    const en = what === 'noRows' ? 'the file has no rows' : 'the file has a header row but no data rows';
    super(
      `${name}: ${zh}，已拒收；应有表头行和至少一行数据 (empty: ${en}; expected a header row and at least one data row)`,
      [{ path: 'file', reason: 'EMPTY_FILE' }],
    );
  }
}

export class NotFoundError extends PermanentError {
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends PermanentError {
  readonly code = 'CONFLICT';
}

export class ForbiddenError extends PermanentError {
  readonly code = 'FORBIDDEN';
}

export class UnauthorizedError extends PermanentError {
  readonly code = 'UNAUTHORIZED';
}

/** A service outside our control (SMTP, SMS gateway, a municipal feed) failed. */
export class ExternalServiceError extends EnvwatchError {
  readonly code = 'EXTERNAL_SERVICE';
  constructor(
    message: string,
    readonly service: string,
    readonly temporary: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  override get permanent(): boolean {
    return !this.temporary;
  }
}

/**
 * A dependency of the request (PostgreSQL, the job queue) is unreachable right now: answered 503 with
 * Retry-After, never 200 for data not stored; retrying later will work.
 */
export class ServiceUnavailableError extends EnvwatchError {
  readonly code = 'UNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfterSeconds = 30,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The chart rasteriser's worker thread could not answer: it died (a crash, out of memory, terminated) or its
 * queue was full. Temporary: the next call starts a new worker, so the report's next run can draw the images.
 */
export class ChartRasterError extends EnvwatchError {
  readonly code = 'CHART_RASTER';
}

/** The database schema is newer than this code, or a released migration was edited. */
export class SchemaMismatchError extends PermanentError {
  readonly code = 'SCHEMA_MISMATCH';
}

export function isPermanent(err: unknown): boolean {
  return err instanceof EnvwatchError && err.permanent;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
