/**
 * The PDF's web fonts: Noto Sans SC from the npm package @fontsource/noto-sans-sc. Its files have TrueType
 * outlines, which Chromium embeds as subsetted CID TrueType fonts (check: pdffonts). The system Noto Sans
 * CJK (fonts-noto-cjk) has CFF outlines, which Chromium's PDF backend can only emit as Type 3 glyph
 * procedures — embedded, but unnamed and poorly rendered by some viewers.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fontFiles } from '../../charts/fonts.js';
import { ReportRenderError } from '../report-errors.js';

export const FONT_PACKAGE = '@fontsource/noto-sans-sc';

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
export async function fontFaces(): Promise<FontFace[]> {
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
  const faces = [...css.matchAll(/@font-face\s*{[^}]*}/g)].map(([block]) => ({
    css: block.replace(
      /url\(\.\/files\/([^)]+\.woff2)\) format\('woff2'\), url\([^)]*\) format\('woff'\)/,
      `url(${files}/$1) format('woff2')`,
    ),
    ranges: (/unicode-range:\s*([^;]+);/.exec(block)?.[1] ?? 'U+0-10FFFF').split(',').map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)] as [number, number];
    }),
  }));
  fontFacesCache = [...faces, ...(await numberFormFaces())];
  return fontFacesCache;
}

/** Number Forms (Ⅰ…Ⅻ) and the arrows block beside it: what 劣Ⅴ类 and Ⅳ need. */
const NUMBER_FORMS: [number, number] = [0x2150, 0x218f];

/**
 * The package's subsets have no Number Forms, so Chromium used to print 劣Ⅴ类 from a system font, or not at
 * all, and the HTML was spelled 劣V类 for it. The full Noto Sans SC the pdfkit engine and the charts use
 * (charts/fonts.ts, TrueType like the subsets, so still embedded as CID TrueType) covers that one block:
 * Chromium reads the file only when a document uses a character of the range, and embeds just those glyphs.
 */
async function numberFormFaces(): Promise<FontFace[]> {
  const files = await fontFiles().catch((err: unknown) => {
    throw new ReportRenderError(`${(err as Error).message}; Ⅳ and 劣Ⅴ cannot be printed`, true, {
      cause: err,
    });
  });
  const range = `U+${NUMBER_FORMS[0].toString(16)}-${NUMBER_FORMS[1].toString(16)}`;
  return (
    [
      [400, files.regular],
      [700, files.bold],
    ] as const
  ).map(([weight, file]) => ({
    css: `@font-face { font-family: 'Noto Sans SC'; font-style: normal; font-display: swap; font-weight: ${weight}; src: url(${pathToFileURL(file).href}) format('truetype'); unicode-range: ${range}; }`,
    ranges: [NUMBER_FORMS],
  }));
}

/**
 * Only the faces whose unicode-range the document uses (~35 of ~200): Chromium matches every text run
 * against every declared face, and a city-scale report (1,650 table rows) spent seconds doing so.
 */
export function fontFacesFor(faces: readonly FontFace[], html: string): FontFace[] {
  const used = new Set<number>();
  for (const ch of html) used.add(ch.codePointAt(0)!);
  const points = [...used];
  return faces.filter((f) => points.some((p) => f.ranges.some(([a, b]) => p >= a && p <= b)));
}

export function fontCssFor(faces: readonly FontFace[], html: string): string {
  return fontFacesFor(faces, html)
    .map((f) => f.css)
    .join('\n');
}
