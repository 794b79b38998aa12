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
  /**
   * CPU seconds (user + system) used so far by this browser's processes (the browser, its renderers, GPU and
   * utility processes), from /proc; null where there is no /proc. On a shared machine CPU time measures the
   * work where wall time also counts waiting for a core.
   */
  cpuSeconds(): number | null;
  close(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** [pid, ppid, utime + stime ticks] of every process, from /proc. */
function processTable(): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields after "pid (comm)": state is f[0]
      rows.push([Number(name), Number(f[1]), Number(f[11]) + Number(f[12])]);
    } catch {
      // the process ended while we read
    }
  }
  return rows;
}

/** CPU seconds of the Chromium whose command line holds `profile`, and of all its descendants. */
function chromiumCpuSeconds(profile: string): number | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const table = processTable();
  const roots = table.filter(([pid]) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmd.includes(`--user-data-dir=${profile}`) && !cmd.includes('--type=');
    } catch {
      return false;
    }
  });
  const mine = new Set(roots.map(([pid]) => pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of table) if (!mine.has(pid) && mine.has(ppid)) (mine.add(pid), (grew = true));
  }
  return table.filter(([pid]) => mine.has(pid)).reduce((a, [, , t]) => a + t, 0) / TICKS;
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
    cpuSeconds: () => chromiumCpuSeconds(profile),
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
