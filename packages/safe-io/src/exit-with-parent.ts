/**
 * In a worker process spawned with an IPC channel (`fork`, or `'ipc'` in `stdio`): exits with `code`
 * (default 1) as soon as the channel closes, which happens when the parent dies, even of `kill -9`, so an
 * orphan never keeps training (and holding its folder's lock) for a job nobody waits for. The channel is
 * unref'd so it does not keep the process alive. Returns false (and does nothing) without a channel. The
 * exit happens when the event loop next runs: long computations must yield to it (e.g. once per step).
 */
export function exitWithParent(options: { code?: number; log?: (line: string) => void } = {}): boolean {
  const channel = (process as { channel?: { unref(): void } }).channel;
  if (!channel) return false;
  channel.unref();
  const parent = process.ppid;
  process.once('disconnect', () => {
    options.log?.(`parent process ${parent} is gone; exiting`);
    process.exit(options.code ?? 1);
  });
  return true;
}
