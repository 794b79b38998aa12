// For exit-with-parent.test.ts: a parent (`parent DIR`) spawns this file as a child (`child DIR`) with an
// IPC channel and waits forever; the test kills the parent with SIGKILL. The child holds DIR's lock and
// computes in a loop that yields to the event loop between "steps", as the trainer does.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lockDir } from '../src/dir-lock.js';
import { exitWithParent } from '../src/exit-with-parent.js';

const [role, dir] = process.argv.slice(2);
if (role === 'parent') {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', () => process.stdout.write(`child ${child.pid}\n`));
  setInterval(() => undefined, 1000);
} else {
  exitWithParent({ code: 7 });
  lockDir(dir, { name: 'train.lock' });
  process.send!('locked');
  for (;;) {
    const t = Date.now();
    while (Date.now() - t < 50); // a synchronous "step"
    await new Promise((resolve) => setImmediate(resolve));
  }
}
