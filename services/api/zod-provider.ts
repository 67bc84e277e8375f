/**
 * Zod schemas as Fastify route schemas: one definition validates the request (and types the handler through
 * the type provider) and documents the route in the OpenAPI document (converted with z.toJSONSchema when
 * /docs is generated). Responses are serialised with JSON.stringify; their schemas are documentation.
 */
import type {
  FastifySchema,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  FastifyTypeProvider,
} from 'fastify';
import { z } from 'zod';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

function isZod(schema: unknown): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

/** Validation failures are ZodErrors; the error handler turns them into 400 VALIDATION_FAILED. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema }) => {
  if (!isZod(schema)) return (data: unknown) => ({ value: data });
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  };
};

export const jsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data) =>
  JSON.stringify(data);

function toJsonSchema(schema: unknown, io: 'input' | 'output'): unknown {
  if (!isZod(schema)) return schema;
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

interface RouteSchema {
  [key: string]: unknown;
  response?: Record<string, unknown>;
}

/** @fastify/swagger `transform`: zod → JSON Schema for request parts (input side) and responses (output side). */
export function zodSwaggerTransform({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema || typeof schema !== 'object') return { schema, url };
  const s = schema as RouteSchema;
  const out: RouteSchema = { ...s };
  for (const part of ['querystring', 'params', 'body', 'headers'] as const) {
    if (s[part] !== undefined) out[part] = toJsonSchema(s[part], 'input');
  }
  if (s.response) {
    out.response = Object.fromEntries(
      Object.entries(s.response).map(([code, r]) => [code, toJsonSchema(r, 'output')]),
    );
  }
  return { schema: out as FastifySchema, url };
}
