/**
 * The optional Chromium engine prints water classes as written — 劣Ⅴ类, Ⅳ类 — as the pdfkit engine does
 * (issue 15), from the embedded npm font rather than ASCII stand-ins. Runs where Chromium and poppler's
 * pdftotext are installed; the pdfkit engine's own check (report-formats.test.ts) runs everywhere.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openPdfRenderer } from '../../services/reports/render/pdf.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const hasTools = existsSync(CHROMIUM) && existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdffonts');

describe.skipIf(!hasTools)('the Chromium engine', () => {
  it('prints 劣Ⅴ类 and Ⅳ as Roman numeral characters, in an embedded TrueType font', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'envwatch-chromium-roman-'));
    const renderer = await openPdfRenderer({ chromiumPath: CHROMIUM });
    try {
      const html =
        `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>水质</title>` +
        `<style>body { font-family: 'Noto Sans SC', sans-serif; }</style></head>` +
        `<body><p>玉带河 张家湾 劣Ⅴ类（目标Ⅳ类）</p><p><b>港沟河 Ⅲ类</b></p></body></html>`;
      const file = path.join(dir, 'roman.pdf');
      await writeFile(file, await renderer.pdf(html, { footerLabel: '通州区', locale: 'zh-CN' }));
      const text = (await run('pdftotext', [file, '-'])).stdout;
      expect(text).toContain('劣Ⅴ类（目标Ⅳ类）');
      expect(text).toContain('港沟河 Ⅲ类');
      expect(text).not.toMatch(/劣V类|IV类/);
      const fonts = (await run('pdffonts', [file])).stdout;
      expect(fonts).toContain('CID TrueType');
      expect(fonts).not.toContain('Type 3');
    } finally {
      await renderer.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
