import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { WebError } from './web-error.js';

/** Debian's Chromium (`apt-get install chromium`); `SPEECHKD_CHROMIUM` names another binary. No browser is ever downloaded. */
export const CHROMIUM_PATH: string = process.env.SPEECHKD_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in a container), no GPU, and no network of its own (no QUIC, updates, sync). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Whether the Chromium binary is there. */
export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** A headless Chromium with a fresh profile, removed on close. */
export interface HeadlessChromium {
  context: BrowserContext;
  /** e.g. 156.0.8078.114 */
  version: string;
  close(): Promise<void>;
}

/** Launches Chromium with `CHROMIUM_FLAGS` (plus `extraFlags`) and a fresh `--user-data-dir` through playwright-core. */
export async function launchChromium(extraFlags: readonly string[] = []): Promise<HeadlessChromium> {
  if (!chromiumAvailable()) throw new WebError(`${CHROMIUM_PATH}: no Chromium there; install it (apt-get install -y chromium) or set SPEECHKD_CHROMIUM`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-chromium-'));
  let context: BrowserContext;
  try {
    // A persistent context is how playwright takes a profile folder: it passes it as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS, ...extraFlags] });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    version: context.browser()?.version() ?? 'unknown',
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
