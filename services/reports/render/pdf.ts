/**
 * PDF (A4, page numbers) and chart PNGs through headless Chromium driven by playwright-core.
 *
 * Fonts: Noto Sans SC from the npm package @fontsource/noto-sans-sc, served to the page from memory. Its
 * files have TrueType outlines, which Chromium embeds as subsetted CID TrueType fonts (check: pdffonts).
 * The system Noto Sans CJK (fonts-noto-cjk) has CFF outlines, which Chromium's PDF backend can only emit
 * as Type 3 glyph procedures — embedded, but unnamed and poorly rendered by some viewers.
 */
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ReportRenderError } from '../report-errors.js';
import type { ChartOut } from './html-shared.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const RENDER_TIMEOUT_MS = 60_000;
const FONT_PACKAGE = '@fontsource/noto-sans-sc';

export interface FontFace {
  css: string;
  ranges: [number, number][];
}

let fontFacesCache: FontFace[] | null = null;

/**
 * The package's @font-face rules (regular and bold), woff2 only, pointing at the files in node_modules.
 * The page is loaded from a file:// URL so Chromium reads the subsets straight from disk (request
 * interception through the DevTools protocol doubled the load time).
 */
async function fontFaces(): Promise<FontFace[]> {
  if (fontFacesCache) return fontFacesCache;
  const require = createRequire(import.meta.url);
  let cssPath: string;
  try {
    cssPath = require.resolve(`${FONT_PACKAGE}/400.css`);
  } catch (err) {
    throw new ReportRenderError(`font package ${FONT_PACKAGE} is not installed: run npm ci`, true, {
      cause: err,
    });
  }
  const dir = path.dirname(cssPath);
  const files = pathToFileURL(path.join(dir, 'files')).href;
  const css = [await readFile(cssPath, 'utf8'), await readFile(path.join(dir, '700.css'), 'utf8')].join('\n');
  fontFacesCache = [...css.matchAll(/@font-face\s*{[^}]*}/g)].map(([block]) => ({
    css: block.replace(
      /url\(\.\/files\/([^)]+\.woff2)\) format\('woff2'\), url\([^)]*\) format\('woff'\)/,
      `url(${files}/$1) format('woff2')`,
    ),
    ranges: (/unicode-range:\s*([^;]+);/.exec(block)?.[1] ?? 'U+0-10FFFF').split(',').map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)] as [number, number];
    }),
  }));
  return fontFacesCache;
}

/**
 * Only the faces whose unicode-range the document uses (~35 of ~200): Chromium matches every text run
 * against every declared face, and a city-scale report (1,650 table rows) spent seconds doing so.
 */
export function fontCssFor(faces: readonly FontFace[], html: string): string {
  const used = new Set<number>();
  for (const ch of html) used.add(ch.codePointAt(0)!);
  const points = [...used];
  return faces
    .filter((f) => points.some((p) => f.ranges.some(([a, b]) => p >= a && p <= b)))
    .map((f) => f.css)
    .join('\n');
}

/**
 * Noto Sans SC (Google's cut) has no Number Forms glyphs, and the only installed fonts that do are CFF
 * (Noto CJK), which would come out as Type 3. The PDF therefore spells water classes with ASCII capitals
 * (IV类, 劣V类), as many Chinese bulletins do; the web page, e-mail and spreadsheets keep Ⅳ.
 */
const ROMAN: Readonly<Record<string, string>> = { Ⅰ: 'I', Ⅱ: 'II', Ⅲ: 'III', Ⅳ: 'IV', Ⅴ: 'V', Ⅵ: 'VI' };

export function asciiRomanNumerals(html: string): string {
  return html.replace(/[\u2160-\u2165]/g, (c) => ROMAN[c] ?? c);
}

/** A CSS string literal: quotes and backslashes escaped, so a label can never end the declaration. */
function cssString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\n\r]/g, ' ')}"`;
}

export interface PdfRenderer {
  /** `footerLabel` is printed at the foot of every page with the page number ("第 n 页 / 共 m 页"). */
  pdf(html: string, opts: { footerLabel: string; locale: 'zh-CN' | 'en' }): Promise<Buffer>;
  /** PNG of each chart (2× for sharp e-mail images), keyed by chart id. */
  chartPngs(charts: readonly ChartOut[]): Promise<Map<string, Buffer>>;
  close(): Promise<void>;
}

export async function openPdfRenderer(opts: { chromiumPath: string }): Promise<PdfRenderer> {
  try {
    await access(opts.chromiumPath);
  } catch (err) {
    throw new ReportRenderError(
      `Chromium not found at ${opts.chromiumPath}: install the Debian package "chromium" (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH`,
      true,
      { cause: err },
    );
  }
  const faces = await fontFaces();
  const workDir = await mkdtemp(path.join(tmpdir(), 'envwatch-render-'));
  let pageNo = 0;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: opts.chromiumPath,
      args: CHROMIUM_ARGS,
      timeout: RENDER_TIMEOUT_MS,
    });
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw new ReportRenderError(
      `Chromium at ${opts.chromiumPath} did not start: ${(err as Error).message}`,
      false,
      { cause: err },
    );
  }

  /**
   * A page with the Noto Sans SC web fonts loaded from disk, checked to have loaded. The body is kept in a
   * <template> until every face is in: laying out a long report first with fallback fonts and again after
   * each of ~35 subsets arrives cost seconds at city scale.
   */
  async function loadWithFonts(html: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(RENDER_TIMEOUT_MS);
    const file = path.join(workDir, `page-${++pageNo}.html`);
    const deferred = html
      .replace('</head>', `<style>${fontCssFor(faces, html)}</style></head>`)
      .replace(/<body>([\s\S]*)<\/body>/, '<body><template id="envwatch-body">$1</template></body>');
    await writeFile(file, deferred);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // A string, not a function: the project compiles without the DOM library.
    const loaded = Number(
      await page.evaluate(`Promise.allSettled([...document.fonts].map((f) => f.load())).then(() => {
        const t = document.getElementById('envwatch-body');
        if (t) document.body.replaceChildren(t.content.cloneNode(true));
        return [...document.fonts].filter((f) => f.status === 'loaded').length;
      })`),
    );
    if (loaded === 0) {
      await page.close();
      throw new ReportRenderError(
        `no Chinese font face loaded from ${FONT_PACKAGE}; the PDF would show empty boxes`,
        true,
      );
    }
    return page;
  }

  return {
    async pdf(html, { footerLabel, locale }) {
      const label = cssString(`${footerLabel}    `);
      const pages =
        locale === 'zh-CN'
          ? `${label} "第 " counter(page) " 页 / 共 " counter(pages) " 页"`
          : `${label} "page " counter(page) " of " counter(pages)`;
      // CSS page-margin boxes (Chromium 131+) instead of Playwright's footerTemplate: the footer is laid out
      // with the document's own (embedded) fonts, and no separate footer document is rendered per page.
      const footer = `<style>@page { @bottom-center { content: ${pages}; font-family: 'Noto Sans SC', sans-serif; font-size: 7.5pt; color: #5b6470; } }</style>`;
      const page = await loadWithFonts(asciiRomanNumerals(html).replace('</head>', `${footer}</head>`));
      try {
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await page.close();
      }
    },
    async chartPngs(charts) {
      const out = new Map<string, Buffer>();
      if (charts.length === 0) return out;
      // Pixels, not text: the system's CJK fonts (fonts-noto-cjk) draw them, no web fonts to load.
      const page = await browser.newPage({ deviceScaleFactor: 2 });
      try {
        page.setDefaultTimeout(RENDER_TIMEOUT_MS);
        const body = charts
          .map((c) => `<div id="${c.id}" style="display:inline-block;background:#fff">${c.svg}</div>`)
          .join('<br>');
        await page.setContent(
          `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">${body}</body></html>`,
        );
        for (const c of charts) out.set(c.id, await page.locator(`#${c.id}`).screenshot({ type: 'png' }));
      } finally {
        await page.close();
      }
      return out;
    },
    async close() {
      await browser.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * A renderer that starts Chromium on first use: the daily re-check of earlier months mostly finds them
 * unchanged, and must not pay for a browser start each time.
 */
export function lazyPdfRenderer(opts: { chromiumPath: string }): PdfRenderer {
  let opened: Promise<PdfRenderer> | null = null;
  const get = () => (opened ??= openPdfRenderer(opts));
  return {
    pdf: async (html, o) => (await get()).pdf(html, o),
    chartPngs: async (charts) => (await get()).chartPngs(charts),
    async close() {
      // A browser that failed to start has already thrown its error to the call that needed it.
      if (opened)
        await opened.then(
          (r) => r.close(),
          () => undefined,
        );
    },
  };
}
