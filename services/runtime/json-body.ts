/**
 * JSON bodies bounded in depth (issue #20 item 2). V8's JSON.parse has no depth limit and is slow on deep
 * nesting: 20 MB of `[[[[…]]]]` — well under the 32 MB body limit pushes need — kept a core busy for 50 s on this
 * machine. A linear scan counts the nesting first (strings skipped) and refuses a body past JSON_MAX_DEPTH with
 * a 400 naming the bound; only then does Fastify's own parser (prototype-poisoning checks kept) read it.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';

/** The position where nesting passes `max`, or -1 when it never does. */
export function depthExceededAt(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

export function registerBoundedJsonParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const at = depthExceededAt(body as string, maxDepth);
    if (at >= 0) {
      done(
        new ValidationError(
          `the JSON body nests deeper than JSON_MAX_DEPTH ${maxDepth} (at character ${at}); nothing was read`,
          [{ path: 'body', reason: 'JSON_MAX_DEPTH' }],
        ),
        undefined,
      );
      return;
    }
    void parse(req, body as string, done); // typed as possibly async; it reports through done
  });
}
