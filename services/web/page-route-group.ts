/**
 * The shape of the page route groups (operations, tasks, administration) that registerWebRoutes mounts inside
 * its web scope, after the form-body parser and the warnings hook, handing each the page context maker.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../runtime/app-context.js';
import type { PageContext } from './layout.js';

/** A request's page context (locale, principal, mailbox link, warnings in force), made one way for every page. */
export type PageContextOf = (req: FastifyRequest, reply: FastifyReply) => PageContext;

export type PageRouteGroup = (web: FastifyInstance, ctx: AppContext, pc: PageContextOf) => Promise<void>;
