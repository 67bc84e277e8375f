/**
 * Who is asking, and what they may do. Four roles (issue 7):
 *   admin     everything, including users, tokens, the audit log, contact details and the queue dashboard;
 *   bureau    a district bureau: reads and acts on the areas of its district(s) (acknowledge, re-process,
 *             push measurements); a bureau with no district scope (migration 0100) reads every district;
 *   area      a street/town government: reads and acts on its own area only;
 *   readonly  reads every area, changes nothing;
 *   unit      one responsible unit (a department or a street/town government, issue 16): reads and reports
 *             the monthly progress of its own tasks only, and nothing else of the API (403).
 * Area scoping is checked where data is read (the query layer calls `assertAreaReadable`), so an area user
 * asking for another area's data gets 403 — never an empty list that looks like "no problems".
 */
import { ForbiddenError, UnauthorizedError } from '../errors.js';

export const ROLES = ['admin', 'bureau', 'area', 'readonly', 'unit'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  /** Set for (and only for) the area role. */
  areaId: string | null;
  /** The district of that area (area role), or a scoped bureau's first district: the district it opens on. */
  districtId: string | null;
  /** A bureau's districts (issue 17 item 8); empty or absent = every district. */
  districtIds?: readonly string[];
  /** The streets/towns of those districts, read with the principal. */
  scopeAreaIds?: readonly string[];
  /** Set for (and only for) the unit role: the unit whose tasks it reports. */
  unitId: string | null;
  locale: 'zh-CN' | 'en';
  via: 'session' | 'token';
  /** A read-only token, or the readonly role. */
  readOnly: boolean;
  sessionId?: string;
  csrfToken?: string;
  tokenId?: number;
}

export function requirePrincipal(p: Principal | null | undefined): Principal {
  if (!p)
    throw new UnauthorizedError('authentication required: log in or send Authorization: Bearer <token>');
  return p;
}

export function assertAdmin(p: Principal): void {
  if (p.role !== 'admin') throw new ForbiddenError('administrators only');
}

/** State changes: every role but readonly, and never through a read-only token. */
export function assertCanWrite(p: Principal): void {
  if (p.readOnly || p.role === 'readonly') throw new ForbiddenError('this account or token is read-only');
}

/** District-wide machinery (ingestion, re-processing, pushing data) is for admins and bureaus. */
export function assertDistrictOperator(p: Principal, action: 'read' | 'write'): void {
  if (action === 'write') assertCanWrite(p);
  if (p.role === 'area') throw new ForbiddenError('street/town accounts cannot see district-wide ingestion');
}

export function canOperateDistrict(p: Principal, action: 'read' | 'write'): boolean {
  if (p.role === 'area') return false;
  return action === 'read' || !(p.readOnly || p.role === 'readonly');
}

/** A bureau limited to some districts: the districts, else null. */
export function scopedDistricts(p: Principal): readonly string[] | null {
  return p.role === 'bureau' && p.districtIds && p.districtIds.length > 0 ? p.districtIds : null;
}

/** The streets/towns `p` may read, or null when it may read every one (admin, readonly, unscoped bureau). */
export function readableAreas(p: Principal): readonly string[] | null {
  if (p.role === 'area') return p.areaId ? [p.areaId] : [];
  return scopedDistricts(p) ? (p.scopeAreaIds ?? []) : null;
}

/** May `p` see rows of this district (a list filtered after reading)? */
export function canReadDistrict(p: Principal, districtId: string | null): boolean {
  const own = p.role === 'area' ? [p.districtId] : scopedDistricts(p);
  return own === null || (districtId !== null && own.includes(districtId));
}

/** The area the principal is confined to, or null when it may read every area. */
export function confinedArea(p: Principal): string | null {
  return p.role === 'area' ? p.areaId : null;
}

/**
 * May `p` read data of scope `scopeId`? Area users read their own area and the district aggregates (their
 * targets are judged against the district mean, 001:35); anything else is refused.
 */
export function assertScopeReadable(
  p: Principal,
  scope: { areaId: string | null; districtId?: string | null },
): void {
  const districts = scopedDistricts(p);
  if (districts) {
    const ok =
      scope.areaId !== null
        ? (p.scopeAreaIds ?? []).includes(scope.areaId)
        : scope.districtId == null || districts.includes(scope.districtId);
    if (ok) return;
    throw new ForbiddenError(`this account may only read data of ${districts.join(', ')}`);
  }
  if (p.role !== 'area') return;
  if (scope.areaId === p.areaId) return;
  if (scope.areaId === null && scope.districtId != null && scope.districtId === p.districtId) return;
  throw new ForbiddenError(`this account may only read data of ${p.areaId}`);
}

/** The district whose reports `p` lists: the one asked for (if readable), else an area user's own district. */
export function reportDistrictFilter(p: Principal, requested: string | undefined): string | null {
  if (requested) assertScopeReadable(p, { areaId: null, districtId: requested });
  return requested ?? (p.role === 'area' || scopedDistricts(p) ? p.districtId : null);
}

export function assertAreaReadable(p: Principal, areaId: string): void {
  assertScopeReadable(p, { areaId });
}

/** Contact details (mobile numbers, e-mail) are personal data: administrators only. */
export function canSeeContactDetails(p: Principal): boolean {
  return p.role === 'admin';
}
