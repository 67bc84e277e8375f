/**
 * The renderer with a real Chromium: a page's warm document is reused from one PDF to the next without
 * carrying anything over, fonts stay embedded TrueType subsets, and chart PNGs come out at 2×.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPdfRenderer, type PdfRenderer } from '../../services/reports/render/pdf.js';

const run = promisify(execFile);
let renderer: PdfRenderer;
let dir: string;

const doc = (lang: string, title: string, body: string) =>
  `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>` +
  `<style>@page { size: A4; margin: 15mm; } body { font-family: 'Noto Sans SC', sans-serif; }</style>` +
  `</head><body>${body}</body></html>`;

async function pdfText(pdf: Buffer, name: string): Promise<{ text: string; info: string; fonts: string }> {
  const file = path.join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const [text, info, fonts] = await Promise.all([
    run('pdftotext', [file, '-']),
    run('pdfinfo', [file]),
    run('pdffonts', [file]),
  ]);
  return { text: text.stdout, info: info.stdout, fonts: fonts.stdout };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'envwatch-pdf-reuse-'));
  renderer = await openPdfRenderer({ chromiumPath: '/usr/bin/chromium' });
}, 60_000);

afterAll(async () => {
  await renderer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a reused page', () => {
  it('prints each document alone, with its own title, footer and newly needed faces', async () => {
    const first = await renderer.pdf(doc('zh-CN', '第一份', '<p>通州区 北苑街道</p>'), {
      footerLabel: '甲',
      locale: 'zh-CN',
    });
    // Sequential calls share the one pooled page; 漷 and 於 need subsets the first document did not load.
    const second = await renderer.pdf(doc('en', 'Second', '<p>漷县镇 於 Second</p>'), {
      footerLabel: 'B',
      locale: 'en',
    });
    const a = await pdfText(first, 'first');
    const b = await pdfText(second, 'second');
    expect(a.text).toContain('北苑街道');
    expect(a.text).toMatch(/甲\s*第\s*1\s*页\s*\/\s*共\s*1\s*页/);
    expect(b.text).toContain('漷县镇 於 Second');
    expect(b.text).toMatch(/B\s*page\s*1\s*of\s*1/);
    expect(b.text).not.toContain('北苑');
    expect(b.info).toMatch(/Title:\s+Second/);
    for (const { fonts } of [a, b]) {
      const lines = fonts.trim().split('\n').slice(2);
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/NotoSansSC.*CID TrueType\s+Identity-H\s+yes\s+yes/);
    }
  }, 60_000);
});
