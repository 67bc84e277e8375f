/**
 * The map, the administrators' operations pages (audit log, contact coverage, station data coverage, HJ 212
 * devices) and the bureau's delivery history (issue 17 items 4-6). Who may open what is checked here, first
 * thing in each handler, and proven role by role in tests/api/web-role-access.test.ts.
 */
import { z } from 'zod';
import { ForbiddenError } from '../errors.js';
import {
  assertAdmin,
  assertScopeReadable,
  readableAreas,
  scopedDistricts,
  type Principal,
} from '../auth/principal.js';
import { listAudit } from '../auth/audit-log.js';
import { coverageGaps } from '../alerts/contact-coverage.js';
import { listDeviceStats } from '../ingest/hj212/device-queries.js';
import { buildOverview } from '../api/views/overview.js';
import { listStations } from '../api/queries/reference-read.js';
import { beforeField, defaultYear, today, typed } from '../api/route-kit.js';
import { addMonths, monthKey, shanghaiDayStart } from '../time/shanghai.js';
import { OUTLINE_PACKAGE } from '../charts/district-map.js';
import { sendPage } from './layout.js';
import type { PageRouteGroup } from './page-route-group.js';
import { districtYearQuery, requestedDistrict } from './page-query.js';
import { districtMap } from './chart.js';
import { listDeliveryHistory, readDeliveryTotals, readStationCoverage } from '../api/queries/ops-read.js';
import { mapPage } from './pages/map-page.js';
import { opsWords } from './pages/ops-words.js';
import {
  auditPage,
  contactCoveragePage,
  dataCoveragePage,
  deliveriesPage,
  devicesPage,
} from './pages/ops-pages.js';

/**
 * Which Beijing districts of the outline package (by GB/T 2260 code) draw each district of ours, its own
 * first. The 经济技术开发区 (BDA) is no administrative district: it lies across 大兴区 (110115) and 通州区
 * (110112), so both are drawn (docs/decisions.md).
 */
export const DISTRICT_OUTLINES: Record<string, readonly string[]> = {
  tongzhou: ['110112'],
  bda: ['110115', '110112'],
};

const PAGE_SIZE = 50;
const MAP_COLOURS = {
  air_station: { colour: '#1f5fa8', symbol: 'circle' },
  dust_fall_site: { colour: '#8d6e63', symbol: 'triangle' },
  water_section: { colour: '#00838f', symbol: 'diamond' },
} as const;

/** Delivery history: administrators and bureaus (it names officials and their failures), nobody else. */
function assertDeliveryReader(p: Principal): void {
  if (p.role !== 'admin' && p.role !== 'bureau')
    throw new ForbiddenError('the delivery history is for administrators and the district bureau');
}

export const registerWebAdminRoutes: PageRouteGroup = async (web, ctx, pc) => {
  const r = typed(web);
  const lang = { lang: z.string().optional() };

  r.get(
    '/map',
    {
      schema: {
        hide: true,
        querystring: districtYearQuery,
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      const districtId = requestedDistrict(req, req.query.district);
      assertScopeReadable(p, { areaId: null, districtId });
      const [overview, all] = await Promise.all([
        buildOverview(ctx.db, p, { districtId, year: req.query.year ?? defaultYear(ctx), today: today(ctx) }),
        listStations(ctx.db, { districtId }),
      ]);
      const areas = readableAreas(p);
      const sites = areas ? all.filter((s) => s.area_id !== null && areas.includes(s.area_id)) : all;
      const page = pc(req, reply);
      const w = opsWords(page.locale);
      const en = page.locale === 'en';
      const groups = (Object.keys(MAP_COLOURS) as (keyof typeof MAP_COLOURS)[])
        .filter((k) => sites.some((s) => s.kind === k))
        .map((k) => ({
          kind: k,
          name: w(
            k === 'air_station' ? 'airStations' : k === 'dust_fall_site' ? 'dustFall' : 'waterSections',
          ),
          ...MAP_COLOURS[k],
        }));
      const svg = districtMap({
        outline: DISTRICT_OUTLINES[districtId] ?? DISTRICT_OUTLINES.tongzhou!,
        groups,
        points: sites
          .filter((s) => s.latitude !== null && s.longitude !== null)
          .map((s) => ({
            id: s.id,
            name: en ? s.name_en : s.name_zh,
            latitude: s.latitude!,
            longitude: s.longitude!,
            group: groups.find((g) => g.kind === s.kind)!.name,
          })),
        ariaLabel: w('mapTitle', { district: en ? overview.district.nameEn : overview.district.nameZh }),
      });
      return sendPage(reply, mapPage(page, overview, sites, svg, OUTLINE_PACKAGE));
    },
  );

  const auditQuery = z.object({
    actor: z.string().trim().max(100).optional(),
    action: z.string().trim().max(100).optional(),
    entity_type: z.string().trim().max(100).optional(),
    entity_id: z.string().trim().max(200).optional(),
    before: beforeField,
    ...lang,
  });
  r.get('/admin/audit', { schema: { hide: true, querystring: auditQuery } }, async (req, reply) => {
    assertAdmin(req.principal!);
    const q = req.query;
    const rows = await listAudit(ctx.db, {
      actor: q.actor || undefined,
      action: q.action || undefined,
      entityType: q.entity_type || undefined,
      entityId: q.entity_id || undefined,
      beforeId: q.before,
      limit: PAGE_SIZE,
    });
    const f = { ...q, before: q.before === undefined ? undefined : String(q.before) };
    return sendPage(reply, auditPage(pc(req, reply), rows, f, PAGE_SIZE));
  });

  r.get(
    '/admin/contacts',
    {
      schema: {
        hide: true,
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional(), ...lang }),
      },
    },
    async (req, reply) => {
      assertAdmin(req.principal!);
      const year = req.query.year ?? defaultYear(ctx);
      return sendPage(reply, contactCoveragePage(pc(req, reply), year, await coverageGaps(ctx.db, year)));
    },
  );

  r.get(
    '/admin/coverage',
    {
      schema: {
        hide: true,
        querystring: z.object({
          district: z.string().optional(),
          month: z
            .string()
            .regex(/^\d{4}-\d{2}$/, 'YYYY-MM')
            .optional(),
          ...lang,
        }),
      },
    },
    async (req, reply) => {
      assertAdmin(req.principal!);
      const now = ctx.clock.now();
      const month = req.query.month ?? monthKey(today(ctx));
      const from = shanghaiDayStart(`${month}-01`);
      const monthEnd = shanghaiDayStart(`${addMonths(month, 1)}-01`);
      // This month counts the hours gone so far; a past month all of its hours.
      const to = now < monthEnd ? now : monthEnd;
      const expected = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 3_600_000));
      const rows = await readStationCoverage(ctx.db, {
        districtId: req.query.district ?? 'tongzhou',
        areaIds: null,
        metric: 'pm25',
        from,
        to,
      });
      return sendPage(reply, dataCoveragePage(pc(req, reply), month, expected, rows));
    },
  );

  r.get('/admin/devices', { schema: { hide: true, querystring: z.object(lang) } }, async (req, reply) => {
    assertAdmin(req.principal!);
    return sendPage(reply, devicesPage(pc(req, reply), await listDeviceStats(ctx.db)));
  });

  r.get(
    '/deliveries',
    {
      schema: {
        hide: true,
        querystring: z.object({
          person: z.string().trim().max(100).optional(),
          channel: z.enum(['email', 'sms', '']).optional(),
          failed: z.string().max(5).optional(),
          before: beforeField,
          ...lang,
        }),
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      assertDeliveryReader(p);
      const q = req.query;
      const filter = {
        recipientId: q.person || null,
        channel: q.channel || null,
        failedOnly: q.failed === '1',
        districtIds: scopedDistricts(p),
      };
      const [rows, totals] = await Promise.all([
        listDeliveryHistory(ctx.db, { ...filter, beforeId: q.before ?? null, limit: PAGE_SIZE }),
        readDeliveryTotals(ctx.db, filter),
      ]);
      const shown = { ...q, before: q.before === undefined ? undefined : String(q.before) };
      return sendPage(reply, deliveriesPage(pc(req, reply), shown, rows, totals, PAGE_SIZE));
    },
  );
};
