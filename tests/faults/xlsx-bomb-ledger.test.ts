/**
 * Issue #20: the task 台账 upload (POST /api/tasks/ledger) handed its body straight to exceljs — no ZIP bound at
 * all, while every ingestion door had one. It now checks the same XLSX bounds before reading (a 10 MB body may
 * inflate to gigabytes), counting what the entries really inflate to, not what they declare.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../api/factories.js';
import { useApiServer } from '../api/harness.js';
import { lieAboutSizes } from './zip-craft.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const server = useApiServer();
let user: TestUser;

beforeAll(async () => {
  user = await createUser(server.db.pool, 'bureau');
});

async function bomb(rows: number): Promise<Buffer> {
  const row = '<row><c t="inlineStr"><is><t>TZ24-WAT-001</t></is></c></row>';
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
  zip.file(
    'xl/workbook.xml',
    '<workbook><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
  );
  zip.file('xl/worksheets/sheet1.xml', `<worksheet><sheetData>${row.repeat(rows)}</sheetData></worksheet>`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const upload = (body: Buffer) =>
  fetch(`${server.url}/api/tasks/ledger?filename=bomb.xlsx`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': XLSX },
    body,
  });

describe('the task 台账 upload and zip bombs', () => {
  it('refuses a bomb by its ratio before exceljs reads it, and records no import', async () => {
    const res = await upload(await bomb(600_000));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /bomb\.xlsx: xl\/worksheets\/sheet1\.xml would inflate \d+×.*XLSX_MAX_RATIO 200/,
    );
    const { rows } = await server.db.pool.query(`SELECT count(*)::int AS n FROM task_import`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a bomb whose directory lies about its sizes', async () => {
    const res = await upload(lieAboutSizes(await bomb(600_000)));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/sheet1\.xml inflates \d+×.*past XLSX_MAX_RATIO 200/);
  });
});
