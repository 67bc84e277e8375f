/**
 * Issue #20 item 2: JSON depth. 20 MB of nested brackets (under the push route's 32 MB body limit) kept
 * JSON.parse busy for 50 s. A body nesting past JSON_MAX_DEPTH is now refused with 400 naming the bound, after a
 * linear scan and before any parsing; ordinary bodies (brackets inside strings included) pass.
 */
import { describe, expect, it } from 'vitest';
import { depthExceededAt } from '../../services/runtime/json-body.js';
import { createUser } from '../api/factories.js';
import { json, useApiServer } from '../api/harness.js';

const server = useApiServer();

describe('JSON depth', () => {
  it('refuses a deeply nested body at once with 400 naming JSON_MAX_DEPTH', async () => {
    const admin = await createUser(server.db.pool, 'admin');
    const depth = 4_000_000;
    const started = Date.now();
    const res = await fetch(`${server.url}/api/ingest/measurements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: `{"measurements":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    });
    const ms = Date.now() - started;
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: { message: expect.stringMatching(/JSON_MAX_DEPTH 64/) } });
    expect(ms).toBeLessThan(5_000);
  }, 60_000);

  it('counts only the brackets outside strings', () => {
    expect(depthExceededAt('{"a":"[[[[[[","b":[1,[2]]}', 3)).toBe(-1);
    expect(depthExceededAt('{"a":"\\"[[[[","b":[1,[2,[3]]]}', 3)).toBeGreaterThan(0);
  });
});
