/**
 * GET /api/contacts/coverage (issue #14, item 6): who the plans make responsible — units, lead officials,
 * heavy-pollution command members, the district leadership — but nobody in the contact directory can reach
 * in a year, for the dashboard to show. Every signed-in role may read it: it names units, not people.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { coverageGaps } from '../../alerts/contact-coverage.js';
import type { AppContext } from '../../runtime/app-context.js';
import { authErrors, defaultYear, TAGS, typed, yearField } from '../route-kit.js';

const gap = z.object({
  kind: z.enum(['unit', 'official', 'command_member', 'leadership']),
  id: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  viaZh: z.string().nullable().describe('the collective body it answers for (the command), if any'),
});

export async function registerContactRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/contacts/coverage',
    {
      schema: {
        tags: [TAGS.alerts],
        summary: 'Responsible units, officials and collective bodies without a reachable contact in a year',
        querystring: z.object({ year: yearField.optional() }),
        response: {
          200: z.object({ year: z.number(), complete: z.boolean(), gaps: z.array(gap) }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const year = req.query.year ?? defaultYear(ctx);
      const gaps = await coverageGaps(ctx.db, year);
      return { year, complete: gaps.length === 0, gaps };
    },
  );
}
