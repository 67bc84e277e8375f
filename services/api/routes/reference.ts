/** Districts, streets/towns, metrics and stations. Reference data is not scoped: every role may list it. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { listAreas } from '../../reference/reference-queries.js';
import { findAreaRow } from '../views/area-summary.js';
import { listDistricts, listMetrics, listStations } from '../queries/reference-read.js';
import { authedRoute, dayField, foundOr404, TAGS, typed } from '../route-kit.js';

const area = z.object({
  id: z.string(),
  district_id: z.string(),
  name_zh: z.string(),
  short_zh: z.string(),
  name_en: z.string(),
  kind: z.enum(['street', 'town', 'township']),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
  sort_order: z.number(),
});

export async function registerReferenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/districts',
    authedRoute(TAGS.reference, {
      summary: 'Districts',
      response: {
        200: z.object({
          districts: z.array(z.object({ id: z.string(), name_zh: z.string(), name_en: z.string() })),
        }),
      },
    }),
    async () => ({ districts: await listDistricts(ctx.db) }),
  );
  r.get(
    '/api/areas',
    authedRoute(TAGS.reference, {
      summary: 'Streets, towns and townships (街道/镇/乡), optionally those valid on a day',
      querystring: z.object({ district: z.string().optional(), asOf: dayField.optional() }),
      response: { 200: z.object({ areas: z.array(area) }) },
    }),
    async (req) => ({
      areas: await listAreas(ctx.db, { district: req.query.district, asOf: req.query.asOf }),
    }),
  );
  r.get(
    '/api/areas/:id',
    authedRoute(TAGS.reference, {
      summary: 'One street/town',
      params: z.object({ id: z.string() }),
      response: { 200: area },
    }),
    async (req) => {
      return foundOr404(await findAreaRow(ctx.db, req.params.id), `no street/town ${req.params.id}`);
    },
  );
  r.get(
    '/api/metrics-catalogue',
    {
      schema: {
        tags: [TAGS.reference],
        summary: 'Metrics with their canonical unit and natural resolution',
        response: {
          200: z.object({
            metrics: z.array(
              z.object({
                id: z.string(),
                name_zh: z.string(),
                name_en: z.string(),
                unit: z.string(),
                unit_zh: z.string(),
                resolution: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ metrics: await listMetrics(ctx.db) }),
  );
  r.get(
    '/api/stations',
    authedRoute(TAGS.reference, {
      summary: 'Monitoring sites: air stations, dust-fall sites, water sections',
      querystring: z.object({
        area: z.string().optional(),
        district: z.string().optional(),
        kind: z.enum(['air_station', 'dust_fall_site', 'water_section']).optional(),
      }),
      response: {
        200: z.object({
          stations: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              name_zh: z.string(),
              name_en: z.string(),
              district_id: z.string(),
              area_id: z.string().nullable(),
              station_level: z.string().nullable(),
              is_example: z.boolean(),
              latitude: z.number().nullable(),
              longitude: z.number().nullable(),
            }),
          ),
        }),
      },
    }),
    async (req) => ({
      stations: await listStations(ctx.db, {
        areaId: req.query.area,
        districtId: req.query.district,
        kind: req.query.kind,
      }),
    }),
  );
}
