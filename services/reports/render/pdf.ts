/**
 * PDF (A4, page numbers) through headless Chromium driven by playwright-core: the optional engine
 * (REPORT_PDF_ENGINE=chromium, see pdf-engine.ts). Fonts: see pdf-fonts.ts.
 *
 * One browser context and a pool of its pages serve every report of a run: opening a page costs a
 * renderer process (0.5–2 s on a busy 2-core machine; `browser.newPage()` also made a new context each
 * time). Each page keeps one document whose web fonts stay loaded: a report's head and body are swapped
 * into it, and only faces it has not declared yet are added. Navigating to each report instead decoded
 * its ~35 woff2 subsets again, 0.4–1 s per PDF.
 */
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ReportRenderError } from '../report-errors.js';
import { FONT_PACKAGE, fontFaces, fontFacesFor, type FontFace } from './pdf-fonts.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const RENDER_TIMEOUT_MS = 60_000;
/**
 * Faces a warm document may accumulate before it is replaced by a fresh one: Chromium matches every text
 * run against every declared face, so a document holding most of the ~200 subsets lays out slowly.
 */
const MAX_DECLARED_FACES = 80;
const SHELL_HTML =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><style id="envwatch-fonts"></style></head><body></body></html>';

/**
 * Runs in the page (a string: the project compiles without the DOM library). Declares the new faces,
 * waits for every face to load, then swaps in the report's <html> attributes, head and body. The body
 * comes last so the report is laid out once, with its fonts, not once with fallbacks and again per face.
 */
const SWAP_DOCUMENT = `async ({ html, fontCss }) => {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const fonts = document.getElementById('envwatch-fonts');
  if (fontCss) fonts.append(document.createTextNode(fontCss));
  // Reading layout applies the new style sheet text, which is what adds its faces to document.fonts.
  document.body.getBoundingClientRect();
  await Promise.allSettled([...document.fonts].map((f) => f.load()));
  const root = document.documentElement;
  for (const a of [...root.attributes]) root.removeAttribute(a.name);
  for (const a of [...doc.documentElement.attributes]) root.setAttribute(a.name, a.value);
  // The font style element stays in place: taking it out of the document would drop its loaded faces.
  for (const n of [...document.head.childNodes]) if (n !== fonts) n.remove();
  document.head.append(...[...doc.head.childNodes].map((n) => document.importNode(n, true)));
  for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name);
  for (const a of [...doc.body.attributes]) document.body.setAttribute(a.name, a.value);
  document.body.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
  return [...document.fonts].filter((f) => f.status === 'loaded').length;
}`;

/** A CSS string literal: quotes and backslashes escaped, so a label can never end the declaration. */
function cssString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\n\r]/g, ' ')}"`;
}

export interface PdfRenderer {
  /** `footerLabel` is printed at the foot of every page with the page number ("第 n 页 / 共 m 页"). */
  pdf(html: string, opts: { footerLabel: string; locale: 'zh-CN' | 'en' }): Promise<Buffer>;
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
  // A file:// document, so the @font-face rules may read the font files from node_modules.
  const shellUrl = pathToFileURL(path.join(workDir, 'shell.html')).href;
  await writeFile(new URL(shellUrl), SHELL_HTML);
  let browser: Browser;
  let context: BrowserContext;
  try {
    browser = await chromium.launch({
      executablePath: opts.chromiumPath,
      args: CHROMIUM_ARGS,
      timeout: RENDER_TIMEOUT_MS,
    });
    context = await browser.newContext();
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw new ReportRenderError(
      `Chromium at ${opts.chromiumPath} did not start: ${(err as Error).message}`,
      false,
      { cause: err },
    );
  }

  const idle: Page[] = [];
  /** The faces each page's current document has declared. */
  const declared = new WeakMap<Page, Set<FontFace>>();

  /** A page from the pool (or a new one), returned after a clean run; one that failed is closed. */
  async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const page = idle.pop() ?? (await context.newPage());
    page.setDefaultTimeout(RENDER_TIMEOUT_MS);
    let ok = false;
    try {
      const result = await fn(page);
      ok = true;
      return result;
    } finally {
      // A failed page may be mid-navigation; the render's own error is the one to report, and close()
      // reclaims the page with the context if this close fails too.
      if (ok && !page.isClosed()) idle.push(page);
      else void page.close().catch(() => undefined);
    }
  }

  /** Puts the report into the page's warm document, with the Noto Sans SC faces it needs loaded. */
  async function loadWithFonts(page: Page, html: string): Promise<void> {
    const needed = fontFacesFor(faces, html);
    let have = declared.get(page);
    if (!have || have.size + needed.length > MAX_DECLARED_FACES) {
      await page.goto(shellUrl, { waitUntil: 'load' });
      have = new Set();
      declared.set(page, have);
    }
    const fresh = needed.filter((f) => !have.has(f));
    const arg = { html, fontCss: fresh.map((f) => f.css).join('\n') };
    // Playwright passes no argument to a function given as a string: the data go in as a JSON literal.
    const loaded = Number(await page.evaluate(`(${SWAP_DOCUMENT})(${JSON.stringify(arg)})`));
    for (const f of fresh) have.add(f);
    if (loaded === 0)
      throw new ReportRenderError(
        `no Chinese font face loaded from ${FONT_PACKAGE}; the PDF would show empty boxes`,
        true,
      );
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
      return withPage(async (page) => {
        await loadWithFonts(page, html.replace('</head>', `${footer}</head>`));
        return page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      });
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
