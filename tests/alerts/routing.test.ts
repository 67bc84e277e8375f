/**
 * Routing from the responsibility matrix: main units receive, assisting units are copied, lead officials
 * and the district leadership are reached by escalation; 各街道乡镇 resolves to the street/town concerned
 * (or every street/town valid on the day for a district-wide target); contacts are valid by year.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  opsRecipients,
  targetRecipients,
  warningRecipients,
  type TargetRouting,
} from '../../services/alerts/routing.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();

beforeAll(async () => {
  await seedDirectory(db.pool);
});

const route = (r: Partial<TargetRouting>): TargetRouting => ({
  mainUnitIds: ['streets_towns'],
  assistUnitIds: [],
  leadOfficialIds: [],
  districtId: 'tongzhou',
  scopeId: 'beiyuan',
  year: 2024,
  day: '2024-03-01',
  ...r,
});
const ids = (rs: { contactId: string; role: string }[]) => rs.map((r) => `${r.role}:${r.contactId}`).sort();

describe('targetRecipients', () => {
  it('sends a street/town target to that street/town only', async () => {
    expect(ids(await targetRecipients(db.pool, route({}), ['main']))).toEqual(['main:gov_beiyuan.liaison']);
  });

  it('sends a district-wide 各街道乡镇 target to every street/town valid on the day', async () => {
    const r2024 = await targetRecipients(db.pool, route({ scopeId: 'tongzhou' }), ['main']);
    expect(ids(r2024)).toEqual([
      'main:gov_beiyuan.liaison',
      'main:gov_luyi.liaison',
      'main:gov_yongshun.liaison',
    ]);
    // 潞邑 first appears in 2021 (001:35): a 2020 target does not reach it.
    const r2020 = await targetRecipients(
      db.pool,
      route({ scopeId: 'tongzhou', year: 2020, day: '2020-06-01' }),
      ['main'],
    );
    expect(ids(r2020)).toEqual(['main:gov_beiyuan.liaison', 'main:gov_yongshun.liaison']);
  });

  it('copies the assisting units, and nobody is both told and copied', async () => {
    const r = await targetRecipients(
      db.pool,
      route({ mainUnitIds: ['eeb'], assistUnitIds: ['water_bureau', 'eeb'] }),
      ['main', 'assist'],
    );
    expect(ids(r)).toEqual([
      'assist:water.duty',
      'assist:water.engineer',
      'main:eeb.duty',
      'main:eeb.liaison',
    ]);
  });

  it('finds the lead officials of the plan year (officials rotate)', async () => {
    const lead = (year: number, officials: string[]) =>
      targetRecipients(db.pool, route({ year, leadOfficialIds: officials }), ['lead']).then(ids);
    expect(await lead(2024, ['yao_weilong', 'ni_decai'])).toEqual(['lead:official.yao']);
    expect(await lead(2021, ['yao_weilong', 'ni_decai'])).toEqual(['lead:official.ni']);
  });

  it('finds the district leadership', async () => {
    expect(ids(await targetRecipients(db.pool, route({}), ['leadership']))).toEqual([
      'leadership:leadership.duty',
    ]);
  });

  it('cannot expand 各相关部门 (the plans give no members): the other named units carry the alert', async () => {
    expect(
      ids(await targetRecipients(db.pool, route({ mainUnitIds: ['relevant_departments', 'eeb'] }), ['main'])),
    ).toEqual(['main:eeb.duty', 'main:eeb.liaison']);
  });

  it('keeps quiet hours and locale from the directory', async () => {
    const [r] = await targetRecipients(db.pool, route({}), ['main']);
    expect(r).toMatchObject({
      email: 'beiyuan@example.gov.cn',
      mobile: '+8613800000102',
      locale: 'zh-CN',
      quiet: { from: 22 * 60, to: 7 * 60 },
    });
  });
});

describe('warningRecipients and opsRecipients', () => {
  it('reaches the heavy-pollution command members and the streets/towns of the warning area', async () => {
    const all = await warningRecipients(db.pool, {
      districtId: 'tongzhou',
      areaIds: [],
      year: 2024,
      day: '2024-12-01',
    });
    expect(ids(all)).toEqual([
      'area:gov_beiyuan.liaison',
      'area:gov_luyi.liaison',
      'area:gov_yongshun.liaison',
      'command:eeb.duty',
      'command:eeb.liaison',
      'command:water.duty',
      'command:water.engineer',
    ]);
    const local = await warningRecipients(db.pool, {
      districtId: 'tongzhou',
      areaIds: ['yongshun'],
      year: 2024,
      day: '2024-12-01',
    });
    expect(ids(local).filter((s) => s.startsWith('area:'))).toEqual(['area:gov_yongshun.liaison']);
  });

  it('resolves ALERT_OPS_UNITS by id or by name', async () => {
    expect(ids(await opsRecipients(db.pool, ['区生态环境局'], 2024))).toEqual([
      'ops:eeb.duty',
      'ops:eeb.liaison',
    ]);
    expect(ids(await opsRecipients(db.pool, ['water_bureau'], 2024))).toEqual([
      'ops:water.duty',
      'ops:water.engineer',
    ]);
  });
});
