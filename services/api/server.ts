/**
 * The HTTP server (Fastify). This file only assembles plugins and route modules; each area of the API
 * lives in its own module under services/api/routes/.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../runtime/app-context.js';
import { registerHealthRoutes } from './routes/health.js';

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: true });
  await registerHealthRoutes(app, ctx);
  return app;
}
