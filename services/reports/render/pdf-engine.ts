/**
 * Which program makes the PDF. The default, `pdfkit`, is pure JavaScript with the npm font: it works on a
 * machine that has only what `npm ci` installs, takes tens of milliseconds, and prints 劣Ⅴ类 as written.
 * `chromium` (REPORT_PDF_ENGINE=chromium, CHROMIUM_PATH) prints the HTML page itself, for a site that wants
 * the PDF to look exactly like the web page; it is started only when chosen, and never looked for otherwise.
 * See docs/decisions.md "Reports without a browser".
 */
import type { ReportData } from '../report-types.js';
import { lazyPdfRenderer } from './pdf.js';
import { stampPdfDates } from './stable-bytes.js';
import { dispatchPdf } from './pdfkit/pdf-dispatch.js';
import { monthlyPdf, waterBulletinPdf, type PdfRun } from './pdfkit/pdf-report.js';

export const PDF_ENGINES = ['pdfkit', 'chromium'] as const;
export type PdfEngineName = (typeof PDF_ENGINES)[number];

/** What an engine is given: the run (pdfkit/pdf-report.ts), the report's data and, for Chromium, its page. */
export interface PdfInput extends PdfRun {
  data: ReportData;
  /** The web page, for an engine that prints HTML. */
  html: string;
}

export interface PdfEngine {
  readonly name: PdfEngineName;
  pdf(input: PdfInput): Promise<Buffer>;
  close(): Promise<void>;
}

export function pdfkitEngine(): PdfEngine {
  return {
    name: 'pdfkit',
    pdf: (input) =>
      input.data.kind === 'monthly'
        ? monthlyPdf(input.data, input)
        : input.data.kind === 'task_dispatch'
          ? dispatchPdf(input.data, input)
          : waterBulletinPdf(input.data, input),
    close: async () => undefined,
  };
}

/** Chromium printing the HTML page; the browser starts on first use and stops with close(). */
export function chromiumEngine(chromiumPath: string): PdfEngine {
  const renderer = lazyPdfRenderer({ chromiumPath });
  return {
    name: 'chromium',
    // Chromium writes the wall clock into the PDF's dates: the production time replaces it (same bytes).
    pdf: async (input) =>
      stampPdfDates(
        await renderer.pdf(input.html, { footerLabel: input.footerLabel, locale: input.locale }),
        input.producedAt,
      ),
    close: () => renderer.close(),
  };
}

export function openPdfEngine(opts: { engine: PdfEngineName; chromiumPath: string }): PdfEngine {
  return opts.engine === 'chromium' ? chromiumEngine(opts.chromiumPath) : pdfkitEngine();
}
