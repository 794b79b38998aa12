import type { Page } from 'playwright-core';
import type { HeadlessChromium } from './chromium.js';
import type { PageApi, PageResult } from './page-result.js';
import { WebError } from './web-error.js';

/** Options of `runPage`. */
export interface RunPageOptions {
  dtype: string;
  threads: number;
  /** Audio files fed through the page's file input, in order. */
  files: readonly string[];
  /** Full-page PNG written after the last transcript. */
  screenshot?: string;
  /** Overall limit in ms (default 120 s). */
  timeoutMs?: number;
}

/** What one page load produced. */
export interface PageRun {
  results: PageResult[];
  loadMs: number;
  browser: string;
  /** CPU seconds the browser's processes used from feeding the files to the last transcript (null without /proc). */
  cpuSeconds: number | null;
}

/** Waits until the page is no longer loading/busy (and `until` holds); fails with the page's own error message. */
async function settle(page: Page, timeoutMs: number, until = 'true'): Promise<PageApi> {
  await page.waitForFunction(`(() => { const s = window.speechkd; return s && (s.state === 'error' || ((s.state === 'ready') && (${until}))); })()`, undefined, { timeout: timeoutMs, polling: 50 });
  const api = (await page.evaluate('window.speechkd')) as PageApi;
  if (api.state === 'error') throw new WebError(`the page failed: ${api.error}`);
  return api;
}

/**
 * Opens the page (`?dtype&threads`) in a new tab, feeds `files` through its WAV/FLAC input (the way a person
 * would), waits for every transcript and returns the page's results. Page errors and console errors are
 * reported with the failure.
 */
export async function runPage(browser: HeadlessChromium, url: string, options: RunPageOptions): Promise<PageRun> {
  const timeout = options.timeoutMs ?? 120_000;
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  try {
    await page.goto(`${url}?${new URLSearchParams({ dtype: options.dtype, threads: String(options.threads) })}`);
    const loaded = await settle(page, timeout);
    const cpu0 = browser.cpuSeconds();
    await page.setInputFiles('#audio-file', [...options.files]);
    const done = await settle(page, timeout, `s.results.length >= ${options.files.length}`);
    const cpu1 = browser.cpuSeconds();
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    return { results: done.results, loadMs: loaded.loadMs ?? NaN, browser: done.browser, cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } catch (err) {
    const detail = problems.length > 0 ? ` (${problems.join('; ')})` : '';
    throw err instanceof WebError ? new WebError(`${err.message}${detail}`) : new WebError(`${(err as Error).message}${detail}`);
  } finally {
    await page.close();
  }
}
