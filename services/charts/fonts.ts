/**
 * The Chinese font every chart and PDF is set in: Noto Sans SC (Google's TrueType cut) from the npm package
 * @expo-google-fonts/noto-sans-sc, so a machine needs nothing beyond `npm ci`. It is the full font (30,890
 * characters, Number Forms included: 劣Ⅴ类 and Ⅳ print as written). TrueType outlines, not CFF: pdfkit
 * subsets them in ~50 ms per document where the CFF Noto Sans CJK took ~500 ms (measured), and the PDF
 * embeds them as CID TrueType, which every viewer renders.
 */
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

export const CHART_FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
/** The family name charts declare; the rasteriser and the PDF map any family to the files below. */
export const CHART_FONT_FAMILY = 'Noto Sans SC';

export interface FontFiles {
  regular: string;
  bold: string;
}

/** Characters the reports must be able to print; doctor checks the installed font has each. */
export const REQUIRED_GLYPHS = '劣Ⅴ类ⅠⅡⅢⅣ通州区经济技术开发区µg/m³≤≥—·▲';

let cached: FontFiles | null = null;

/** Where the regular and bold font files are; throws with the fix when the package is missing. */
export async function fontFiles(): Promise<FontFiles> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${CHART_FONT_PACKAGE}/package.json`));
  } catch (err) {
    throw new Error(`font package ${CHART_FONT_PACKAGE} is not installed: run npm ci`, { cause: err });
  }
  const files = {
    regular: path.join(dir, '400Regular', 'NotoSansSC_400Regular.ttf'),
    bold: path.join(dir, '700Bold', 'NotoSansSC_700Bold.ttf'),
  };
  for (const f of Object.values(files)) await access(f);
  cached = files;
  return files;
}

const opened = new Map<string, fontkit.Font>();

/** The parsed font (fontkit reads its tables lazily, so opening the 10 MB file is cheap). */
export function openFont(file: string): fontkit.Font {
  let font = opened.get(file);
  if (!font) {
    const f = fontkit.openSync(file);
    if (!('layout' in f)) throw new Error(`${file} is a font collection, expected a single font`);
    font = f;
    opened.set(file, font);
  }
  return font;
}

/** What doctor prints: the font in use and any required character it cannot draw. */
export async function describeFonts(): Promise<{ files: FontFiles; family: string; missing: string[] }> {
  const files = await fontFiles();
  const font = openFont(files.regular);
  const missing = [...REQUIRED_GLYPHS].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
  return { files, family: `${font.familyName} (${font.numGlyphs} glyphs)`, missing };
}
