import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BadInputCase } from '../harness.js';

/** The committed test model folder (read only). */
const MODEL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'web', 'test', 'fixtures', 'tiny-model');

/** speechkd-web: settings of its three commands (the page itself is tested in apps/web/test). */
export const WEB_CASES: BadInputCase[] = [
  {
    cli: 'speechkd-web', name: 'browser-check: every setting wrong at once', exit: 2,
    args: (c) => ['browser-check', '--model', c.at('no-model'), '--audio', c.at('none.wav'), '--dtype', 'fp64', '--threads', '0', '--screenshot', c.at('shots/page.png')],
    stderr: /^speechkd-web: 4 problems with the settings:\n {2}--model: .*no-model: no such folder\n {2}--audio: .*none\.wav: no such file\n {2}--dtype: must be one of fp32, fp16, q8 \(got "fp64"\)\n {2}--threads: must be an integer >= 1 \(got "0"\)\n/,
  },
  {
    cli: 'speechkd-web', name: 'latency: lists checked item by item', exit: 2,
    args: () => ['latency', '--model', MODEL, '--audio', MODEL, '--threads', '1,x', '--dtypes', 'q8,q3', '--runs', '0'],
    stderr: /^speechkd-web: 4 problems with the settings:\n {2}--audio: .*tiny-model is a folder, not a file\n {2}--threads: must be an integer >= 1 \(got "x"\)\n {2}--dtypes: must be one of fp32, fp16, q8 \(got "q3"\)\n {2}--runs: must be an integer >= 1 \(got "0"\)\n/,
  },
  {
    cli: 'speechkd-web', name: 'latency: --json is a folder', exit: 2, setup: (c) => { c.file('a.wav', 'RIFF'); c.file('out.json/keep', ''); },
    args: (c) => ['latency', '--model', MODEL, '--audio', c.at('a.wav'), '--json', c.at('out.json')],
    stderr: /--json: .*out\.json: cannot write here: .*out\.json is a folder, not a file/,
  },
  {
    cli: 'speechkd-web', name: 'serve: no model, port out of range', exit: 2, args: () => ['serve', '--port', '70000'],
    stderr: /^speechkd-web: 2 problems with the settings:\n {2}--model: is required \(a model folder: .*\)\n {2}--port: must be an integer from 0 to 65535 \(got "70000"\)\n/,
  },
  {
    cli: 'speechkd-web', name: 'serve: a folder without a model', exit: 1, args: (c) => ['serve', '--model', c.dir, '--port', '0'],
    stderr: /^speechkd-web: --model .*: cannot read recognizer\.json \(ENOENT\); pass a model folder/,
  },
  { cli: 'speechkd-web', name: 'unknown flag', exit: 2, args: () => ['serve', '--model', MODEL, '--colour'], stderr: /^speechkd-web: Unknown option '--colour'[\s\S]*usage:/ },
  { cli: 'speechkd-web', name: 'unknown command', exit: 2, args: () => ['record'], stderr: /^speechkd-web: unknown command "record"\n\nusage:/ },
];
