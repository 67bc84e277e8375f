/**
 * One row of an imported 台账 sheet through its verb (the API's own, with its access rules and audit): accepted,
 * or refused with the reason the verb's typed error gives, to be kept with the row so one bad row never loses
 * the others. Any other error is not the row's fault and fails the import.
 */
import { EnvwatchError } from '../errors.js';
import type { Refusal } from './ledger-queries.js';

export async function importRow(
  row: { rowNumber: number; raw: Record<string, string> },
  reasonOf: (err: EnvwatchError) => { code: string; detail: string },
  verb: () => Promise<unknown>,
): Promise<Refusal | null> {
  try {
    await verb();
    return null;
  } catch (err) {
    if (!(err instanceof EnvwatchError)) throw err;
    const reason = reasonOf(err);
    return { rowNumber: row.rowNumber, raw: row.raw, reasonCode: reason.code, reasonDetail: reason.detail };
  }
}
