import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); browsers are never downloaded here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium for end-to-end tests, driven by playwright-core. The flags keep it quiet and
 * offline: no sandbox (CI runs as root), no GPU, no background or update traffic, no QUIC.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\` ` +
        '(playwright-core cannot download a browser on this network).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}
