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
