// A process that takes a folder lock (for dir-lock.test.ts): `hold` keeps it until killed, `exit` exits with
// code 3 right after taking it, `throw` dies of an uncaught error.
import { lockDir } from '../src/dir-lock.js';

const [dir, mode] = process.argv.slice(2);
lockDir(dir, { name: 'train.lock', purpose: 'training' });
process.stdout.write('locked\n');
if (mode === 'exit') process.exit(3);
if (mode === 'throw') throw new Error('boom');
setInterval(() => undefined, 1000);
