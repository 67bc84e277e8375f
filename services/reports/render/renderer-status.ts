/**
 * What `envwatch doctor` says about report rendering: the PDF engine in use, the font every PDF and chart
 * is set in (and any character the reports need that it cannot draw), and — only when the Chromium engine
 * is chosen — whether its browser is where CHROMIUM_PATH says.
 */
import { access } from 'node:fs/promises';
import { describeFonts } from '../../charts/fonts.js';
import type { PdfEngineName } from './pdf-engine.js';

export interface RendererStatus {
  pdfEngine: PdfEngineName;
  font: string;
  fontFile: string;
  /** Present only when the chromium engine is chosen. */
  chromium?: { path: string; found: boolean };
  warnings: string[];
}

export async function readRendererStatus(opts: {
  engine: PdfEngineName;
  chromiumPath: string;
}): Promise<RendererStatus> {
  const warnings: string[] = [];
  let font = 'not installed';
  let fontFile = '-';
  try {
    const f = await describeFonts();
    font = f.family;
    fontFile = f.files.regular;
    if (f.missing.length > 0)
      warnings.push(
        `report font ${f.family} lacks ${f.missing.join(' ')}: those characters would print as boxes`,
      );
  } catch (err) {
    warnings.push(`report font: ${(err as Error).message}; PDFs and e-mail charts cannot be made`);
  }
  const status: RendererStatus = { pdfEngine: opts.engine, font, fontFile, warnings };
  if (opts.engine === 'chromium') {
    const found = await access(opts.chromiumPath).then(
      () => true,
      () => false,
    );
    status.chromium = { path: opts.chromiumPath, found };
    if (!found)
      warnings.push(
        `REPORT_PDF_ENGINE=chromium but no browser at ${opts.chromiumPath}: PDFs will be missing from every report (unset REPORT_PDF_ENGINE to use pdfkit)`,
      );
  }
  return status;
}
