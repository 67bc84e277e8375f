/** GET /api/contacts/coverage: responsible units nobody can reach in a year, for the dashboard. */
import { describe, expect, it } from 'vitest';
import { seedDirectory } from '../alerts/fixtures.js';
import { createUser } from './factories.js';
import { client, json, useApiServer } from './harness.js';

const server = useApiServer();

describe('GET /api/contacts/coverage', () => {
  it('lists the command member without a contact for the year, and needs a login', async () => {
    const pool = server.db.pool;
    await seedDirectory(pool);
    await pool.query(
      `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ('traffic', '区交通局', 'Transport Bureau', 'department', 'tongzhou')`,
    );
    await pool.query(`UPDATE unit SET members = '{eeb,water_bureau,traffic}' WHERE id = 'hp_command'`);
    expect((await client(server, null).get('/api/contacts/coverage')).status).toBe(401);
    const bureau = client(server, (await createUser(pool, 'bureau')).token);
    const res = await bureau.get('/api/contacts/coverage?year=2024');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      year: 2024,
      complete: false,
      gaps: [
        {
          kind: 'command_member',
          id: 'traffic',
          nameZh: '区交通局',
          nameEn: 'Transport Bureau',
          viaZh: '区空气重污染应急指挥部成员单位',
        },
      ],
    });
    // With a contact for 2024 the directory is complete.
    await pool.query(
      `INSERT INTO contact (id, name_zh, unit_id, role, email, year_from) VALUES ('traffic.duty', '交通局值班室', 'traffic', '值班室', 'traffic@example.gov.cn', 2024)`,
    );
    expect(await json(await bureau.get('/api/contacts/coverage?year=2024'))).toMatchObject({
      complete: true,
      gaps: [],
    });
  });
});
