/**
 * Who may see and report which task progress (issue 16). A unit account is confined to the tasks its unit
 * reports on (task_reporting_unit) and reports only as that unit; an area account acts as its street/town
 * government's unit; admins and bureaus see every unit and may report for any of them (the bureau keys in a
 * paper return); readonly accounts and read-only tokens read. Another unit's task → 403, never an empty list.
 */
import type { Queryable } from '../db/queryable.js';
import { ForbiddenError } from '../errors.js';
import { assertCanWrite, type Principal } from '../auth/principal.js';
import { findAreaUnit } from './progress-queries.js';

/** The one unit `p` is confined to, or null when it sees every unit. */
export async function confinedUnit(db: Queryable, p: Principal): Promise<string | null> {
  if (p.role === 'unit') return p.unitId;
  if (p.role === 'area') {
    const unit = p.areaId === null ? null : await findAreaUnit(db, p.areaId);
    if (unit === null) throw new ForbiddenError(`no unit is defined for the area ${p.areaId}`);
    return unit;
  }
  return null;
}

export function assertUnitVisible(confined: string | null, unitId: string): void {
  if (confined !== null && confined !== unitId)
    throw new ForbiddenError(`this account may only see and report the tasks of ${confined}`);
}

export async function assertMayReport(db: Queryable, p: Principal, unitId: string): Promise<void> {
  assertCanWrite(p);
  assertUnitVisible(await confinedUnit(db, p), unitId);
}
