/**
 * Writes the XLSX examples of this directory (`node examples/ingest/generate-xlsx.mjs`), so
 * both spreadsheet layouts officials send are shipped: the long table with real date cells and a declared zone
 * ("时间(北京时间)"), and the wide monthly table with its month only in the title row.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';

const DIR = import.meta.dirname;

async function save(name, build) {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(path.join(DIR, name));
}

/** A Date whose UTC fields are the Beijing wall clock: Excel cells have no zone, the header declares it. */
const wall = (s) => new Date(`${s}Z`);

await save('long-hourly.xlsx', (wb) => {
  const ws = wb.addWorksheet('小时数据');
  ws.addRow(['2024年3月1日 空气站小时数据']);
  ws.addRow(['时间(北京时间)', '站点', '指标', '数值', '单位', '标记', '数据版本']);
  ws.addRow([wall('2024-03-01T10:00:00'), 'st_beiyuan_1', 'PM2.5', 46.1, 'μg/m³', '', '实时']);
  ws.addRow([wall('2024-03-01T10:00:00'), '中仓街道示例空气站1', 'PM2.5', 49.5, 'μg/m³', '', '实时']);
  ws.addRow([wall('2024-03-01T10:00:00'), 'st_beiyuan_1', '一氧化碳', 0.7, 'mg/m³', '', '实时']);
  ws.addRow([wall('2024-03-01T11:00:00'), 'st_beiyuan_1', 'PM2.5', 44.0, 'μg/m³', '', '审核']);
  ws.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm';
});

await save('wide-monthly.xlsx', (wb) => {
  const ws = wb.addWorksheet('2024年2月');
  ws.addRow(['2024年2月各街道乡镇降尘量、道路尘负荷']);
  ws.addRow(['序号', '街道乡镇', '降尘量（吨/平方公里·月）', '道路尘负荷(g/m²)', '备注']);
  ws.addRow([1, '北苑街道', 4.9, 0.38, '']);
  ws.addRow([2, '梨园镇', 5.4, 0.45, '']);
  ws.addRow([3, '荣华街道', 4.6, '/', '道路尘负荷未检测']);
});

await save('city-ranking.xlsx', (wb) => {
  const ws = wb.addWorksheet('全市排名');
  ws.addRow(['期间', '指标', '排名', '参排数', '区', '街道乡镇', '数值', '单位']);
  ws.addRow(['2024-02', 'PM2.5', 15, 273, '通州区', '北苑街道', 42, 'μg/m³']);
  ws.addRow(['2024-02', 'PM2.5', 270, 273, '通州区', '漷县镇', 66, 'μg/m³']);
  ws.addRow(['2024-02', 'PM2.5', 100, 273, '北京经济技术开发区', '荣华街道', 45, 'μg/m³']);
});
