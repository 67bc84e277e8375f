/** Query strings and defaults several pages share: which district and year a page shows. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** ?district=&year=&lang= of the district-wide pages (overview, water, map). */
export const districtYearQuery = z.object({
  district: z.string().optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  lang: z.string().optional(),
});

/** The district asked for, else the principal's own (an area's, a scoped bureau's), else Tongzhou. */
export function requestedDistrict(req: FastifyRequest, asked: string | undefined): string {
  return asked ?? req.principal?.districtId ?? 'tongzhou';
}
