/** The PDF renderer's failure modes and font handling, without starting a browser. */
import { describe, expect, it } from 'vitest';
import { ReportRenderError } from '../../services/reports/report-errors.js';
import { lazyPdfRenderer, openPdfRenderer } from '../../services/reports/render/pdf.js';
import { fontCssFor } from '../../services/reports/render/pdf-fonts.js';

describe('openPdfRenderer', () => {
  it('fails permanently, naming the Debian package, when Chromium is not installed', async () => {
    const err = await openPdfRenderer({ chromiumPath: '/nonexistent/chromium' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportRenderError);
    expect((err as ReportRenderError).permanent).toBe(true);
    expect((err as Error).message).toContain('apt-get install chromium');
  });

  it('starts nothing until something is rendered (the lazy renderer)', async () => {
    const renderer = lazyPdfRenderer({ chromiumPath: '/nonexistent/chromium' });
    await expect(renderer.close()).resolves.toBeUndefined();
    await expect(renderer.pdf('<html></html>', { footerLabel: 'x', locale: 'zh-CN' })).rejects.toBeInstanceOf(
      ReportRenderError,
    );
    await expect(renderer.close()).resolves.toBeUndefined();
  });
});

describe('fonts', () => {
  it('declares only the font subsets whose characters the document uses', () => {
    const faces = [
      { css: '@font-face{latin}', ranges: [[0x20, 0x7e]] as [number, number][] },
      { css: '@font-face{tong}', ranges: [[0x901a, 0x901a]] as [number, number][] },
      { css: '@font-face{unused}', ranges: [[0x4e00, 0x4e01]] as [number, number][] },
    ];
    expect(fontCssFor(faces, 'a 通')).toBe('@font-face{latin}\n@font-face{tong}');
  });
});
