/**
 * Memory of a CLI process running the bulk path (`envwatch ingest --bulk`), which must stay under 200 MB of
 * RSS with the Node settings a user has — no --max-old-space-size. The bench (bench/ingest-bulk-child.ts)
 * calls the same function, so it measures what a user runs.
 */
import v8 from 'node:v8';

/** Old-generation growth allowed past the live set (V8's default lets it reach up to 4× the live set). */
export const BULK_HEAP_GROWING_PERCENT = 30;

/**
 * The bulk path's live set is ~20 MB whatever the file's size, but it promotes a steady trickle of records and
 * COPY lines that were still in flight (read, validated, waiting for PostgreSQL to take them) when the young
 * generation was collected. With the default settings V8 lets the old generation grow to about four times
 * the live set before collecting it, ~60 MB of such garbage on top of the ~135 MB a process with its modules
 * loaded already holds. Limited to 30 %, V8 collects the old generation every ~6 MB of garbage: a
 * mark-compact of a 20 MB live set takes ~20 ms, a few per second at most. V8 reads the flag each time it
 * sizes the old generation, so setting it at run time takes effect; it concerns this process only, which
 * exits after the load.
 */
export function holdHeapNearLiveSet(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${BULK_HEAP_GROWING_PERCENT}`);
}
