/**
 * A4 documents with pdfkit: headings, notes, tables that carry their header onto the next page, ECharts
 * SVG drawn as vectors (svg-to-pdfkit), and a footer with "第 n 页 / 共 m 页" on every page. Nothing here
 * needs a browser; the font is Noto Sans SC from npm (services/charts/fonts.ts), which pdfkit embeds as a
 * subset of the glyphs used, so the text is real text (pdftotext reads 劣Ⅴ类 back).
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { fontFiles } from '../../../charts/fonts.js';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 40, bottom: 46, left: 34, right: 34 };
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const INK = '#1f2933';
const MUTED = '#5b6470';
const HEAD_FILL = '#1f4e79';
const RULE = '#c8d0d9';

export interface PdfColumn {
  header: string;
  /** Share of the content width (the shares of a table add up to about 1). */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface PdfRowStyle {
  /** A light fill for the row (best, worst); drawn under the text, readable in grey-scale. */
  fill?: string;
  bold?: boolean;
}

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly ended: Promise<void>;

  private constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.ended = new Promise((resolve, reject) => {
      doc.on('end', resolve);
      doc.on('error', reject);
    });
  }

  /** `producedAt` is the document's creation date: the same report renders to the same bytes. */
  static async open(meta: { title: string; producedAt: Date; lang: string }): Promise<PdfWriter> {
    const fonts = await fontFiles();
    const doc = new PDFDocument({
      size: 'A4',
      margins: MARGIN,
      bufferPages: true,
      lang: meta.lang,
      displayTitle: true,
      info: {
        Title: meta.title,
        Creator: 'envwatch',
        Producer: 'envwatch (pdfkit)',
        CreationDate: meta.producedAt,
        ModDate: meta.producedAt,
      },
    });
    doc.registerFont('zh', fonts.regular);
    doc.registerFont('zh-bold', fonts.bold);
    doc.font('zh').fontSize(10).fillColor(INK);
    return new PdfWriter(doc);
  }

  private get bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  title(text: string, sub: string[]): void {
    const { doc } = this;
    doc.font('zh-bold').fontSize(17).fillColor(INK).text(text, MARGIN.left, doc.y, {
      width: CONTENT_WIDTH,
      align: 'center',
    });
    doc.moveDown(0.3);
    for (const line of sub)
      doc.font('zh').fontSize(9.5).fillColor(MUTED).text(line, { width: CONTENT_WIDTH, align: 'center' });
    doc.moveDown(0.6);
  }

  heading(text: string, level: 1 | 2 = 1): void {
    const { doc } = this;
    this.ensure(level === 1 ? 60 : 44);
    doc.moveDown(level === 1 ? 0.6 : 0.3);
    const size = level === 1 ? 12.5 : 11;
    doc
      .font('zh-bold')
      .fontSize(size)
      .fillColor(level === 1 ? HEAD_FILL : INK);
    doc.text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
    if (level === 1) {
      const y = doc.y + 1;
      doc
        .moveTo(MARGIN.left, y)
        .lineTo(MARGIN.left + CONTENT_WIDTH, y)
        .lineWidth(1.2)
        .stroke(HEAD_FILL);
      doc.y = y + 4;
    } else doc.moveDown(0.2);
    doc.font('zh').fontSize(10).fillColor(INK);
  }

  paragraph(text: string, opts: { size?: number; color?: string; bold?: boolean } = {}): void {
    const { doc } = this;
    doc.font(opts.bold ? 'zh-bold' : 'zh').fontSize(opts.size ?? 10);
    this.ensure(doc.heightOfString(text, { width: CONTENT_WIDTH }) + 2);
    doc.fillColor(opts.color ?? INK).text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
    doc.moveDown(0.3);
  }

  note(text: string): void {
    this.paragraph(text, { size: 8, color: MUTED });
  }

  /** A table whose rows never split across pages; the header is repeated on each page it runs onto. */
  table(columns: readonly PdfColumn[], rows: readonly string[][], styles: readonly PdfRowStyle[] = []): void {
    const { doc } = this;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * CONTENT_WIDTH);
    const pad = 3;
    const size = 8;
    const header = () => {
      doc.font('zh-bold').fontSize(size);
      const h =
        Math.max(...columns.map((c, i) => doc.heightOfString(c.header, { width: widths[i]! - 2 * pad }))) +
        2 * pad;
      this.ensure(h + 16);
      const top = doc.y;
      let x = MARGIN.left;
      doc.rect(MARGIN.left, top, CONTENT_WIDTH, h).fill(HEAD_FILL);
      columns.forEach((c, i) => {
        doc
          .fillColor('#ffffff')
          .text(c.header, x + pad, top + pad, { width: widths[i]! - 2 * pad, align: 'center' });
        x += widths[i]!;
      });
      doc.y = top + h;
    };
    header();
    rows.forEach((row, r) => {
      const style = styles[r] ?? {};
      doc.font(style.bold ? 'zh-bold' : 'zh').fontSize(size);
      const h =
        Math.max(...row.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - 2 * pad }))) +
        2 * pad;
      if (doc.y + h > this.bottom) {
        doc.addPage();
        header();
        doc.font(style.bold ? 'zh-bold' : 'zh').fontSize(size);
      }
      const top = doc.y;
      if (style.fill) doc.rect(MARGIN.left, top, CONTENT_WIDTH, h).fill(style.fill);
      let x = MARGIN.left;
      row.forEach((cell, i) => {
        doc.rect(x, top, widths[i]!, h).lineWidth(0.4).stroke(RULE);
        doc.fillColor(INK).text(cell, x + pad, top + pad, {
          width: widths[i]! - 2 * pad,
          align: columns[i]?.align ?? 'left',
        });
        x += widths[i]!;
      });
      doc.y = top + h;
    });
    doc.x = MARGIN.left;
    doc.moveDown(0.5);
  }

  /** An ECharts SVG of `width`×`height` px, scaled to the content width, drawn as vectors with real text. */
  chart(svg: string, width: number, height: number, caption?: string): void {
    const { doc } = this;
    const scale = Math.min(1, CONTENT_WIDTH / width);
    const h = height * scale;
    this.ensure(h + (caption ? 18 : 4));
    if (caption) this.paragraph(caption, { size: 9.5, bold: true });
    SVGtoPDF(doc, svg, MARGIN.left, doc.y, {
      width: width * scale,
      height: h,
      fontCallback: (_family, bold) => (bold ? 'zh-bold' : 'zh'),
    });
    doc.font('zh').fontSize(10).fillColor(INK);
    doc.x = MARGIN.left;
    doc.y += h + 6;
  }

  /** Footers on every page, then the finished file. */
  async finish(footer: (page: number, pages: number) => string): Promise<Buffer> {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Below the bottom margin pdfkit would start a new page for the text: the margin is lifted meanwhile.
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font('zh').fontSize(7.5).fillColor(MUTED);
      doc.text(footer(i + 1, range.count), MARGIN.left, PAGE.height - 28, {
        width: CONTENT_WIDTH,
        align: 'center',
        lineBreak: false,
      });
      doc.page.margins.bottom = margin;
    }
    doc.end();
    await this.ended;
    return Buffer.concat(this.chunks);
  }
}
