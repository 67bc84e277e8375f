/**
 * The system Chromium for the browser tests (Debian's package, installed by .ci/run: a test tool's own browser
 * download does not work on these machines). CHROMIUM_PATH overrides the path, as it does for the reports.
 */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
