/**
 * The text of an ECharts SVG as glyph outlines, so the rasteriser draws shapes only. Letting resvg load the
 * 10 MB font itself cost 0.4–3 s per chart (it parses the whole font for every image); outlines from the
 * already-open font (fontkit, the same Noto Sans SC the PDF embeds) cost a few milliseconds.
 */
import { openFont, type FontFiles } from './fonts.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return ENTITIES[e] ?? m;
  });
}

function attr(attrs: string, name: string): string | null {
  return new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1] ?? null;
}

function style(attrs: string, name: string): string | null {
  return new RegExp(`${name}:\\s*([^;"]+)`).exec(attr(attrs, 'style') ?? '')?.[1]?.trim() ?? null;
}

/** How far below the y of a <text> its baseline lies, as a fraction of the font size. */
function baselineShift(baseline: string | null): number {
  switch (baseline) {
    case 'central':
    case 'middle':
      return 0.36;
    case 'hanging':
    case 'text-before-edge':
      return 0.88;
    case 'text-after-edge':
    case 'ideographic':
    case 'bottom':
      return -0.12;
    default:
      return 0;
  }
}

/** One <text> element as a <path> of its glyph outlines, in the same place, colour and transform. */
function textToPath(attrs: string, content: string, file: string): string {
  const font = openFont(file);
  const text = decode(content);
  const size = parseFloat(style(attrs, 'font-size') ?? attr(attrs, 'font-size') ?? '12');
  const run = font.layout(text);
  const width = run.glyphs.reduce((w, _g, i) => w + run.positions[i]!.xAdvance, 0);
  const anchor = attr(attrs, 'text-anchor') ?? 'start';
  const shiftX = anchor === 'middle' ? -width / 2 : anchor === 'end' ? -width : 0;
  let x = shiftX;
  const d: string[] = [];
  run.glyphs.forEach((g, i) => {
    const p = run.positions[i]!;
    d.push(g.path.translate(x + p.xOffset, p.yOffset).toSVG());
    x += p.xAdvance;
  });
  const s = size / font.unitsPerEm;
  const dx = parseFloat(attr(attrs, 'x') ?? '0');
  const dy = parseFloat(attr(attrs, 'y') ?? '0') + baselineShift(attr(attrs, 'dominant-baseline')) * size;
  const outer = attr(attrs, 'transform') ?? '';
  const fill = attr(attrs, 'fill') ?? style(attrs, 'fill') ?? '#000';
  const opacity = attr(attrs, 'fill-opacity') ?? attr(attrs, 'opacity');
  return `<path transform="${outer} translate(${dx} ${dy}) scale(${s} ${-s})" fill="${fill}"${opacity ? ` fill-opacity="${opacity}"` : ''} d="${d.join('')}"/>`;
}

/** The SVG with every <text> replaced by its outlines: what resvg then draws needs no font at all. */
export function outlineText(svg: string, fonts: FontFiles): string {
  return svg.replace(/<text([^>]*)>([^<]*)<\/text>/g, (_m, attrs: string, content: string) => {
    const weight = style(attrs, 'font-weight') ?? attr(attrs, 'font-weight');
    const bold = weight === 'bold' || Number(weight) >= 600;
    return textToPath(attrs, content, bold ? fonts.bold : fonts.regular);
  });
}
