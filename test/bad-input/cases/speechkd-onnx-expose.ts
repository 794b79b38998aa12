import { buildTinyBert } from '@speechkd/onnx-graph';
import type { BadInputCase } from '../harness.js';

/** A valid 2-layer BERT-style ONNX model, so the commands get past parsing to the writing. */
const MODEL = buildTinyBert({ numLayers: 2 }).bytes;

/** Not an ONNX model: protobuf bytes that do not parse as a ModelProto. */
const GARBAGE = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);

/** speechkd-onnx-expose: settings, output paths and a model that does not parse. */
export const ONNX_EXPOSE_CASES: BadInputCase[] = [
  { cli: 'speechkd-onnx-expose', name: 'no model given', exit: 2, args: () => [], stderr: /^speechkd-onnx-expose: MODEL\.onnx: give exactly one model file \(got 0\)/ },
  {
    cli: 'speechkd-onnx-expose', name: 'missing model file, bad regular expressions, --list with --out', exit: 2,
    args: (c) => [c.at('model.onnx'), '--match', '(', '--scope', '[', '--list', '-o', c.at('out.onnx')],
    stderr: /^speechkd-onnx-expose: 5 problems with the settings:\n {2}MODEL\.onnx: .*model\.onnx: no such file\n {2}--scope: not a valid regular expression .*\n {2}--match: not a valid regular expression .*\n {2}--out: writes a model; it has no effect with --list\n {2}--match: writes a model; it has no effect with --list\n/,
  },
  { cli: 'speechkd-onnx-expose', name: 'unknown flag', exit: 2, args: () => ['m.onnx', '--all'], stderr: /^speechkd-onnx-expose: Unknown option '--all'[\s\S]*usage:/ },
  {
    cli: 'speechkd-onnx-expose', name: '--out is a folder', exit: 2, setup: (c) => { c.file('m.onnx', MODEL); c.file('out.onnx/keep', ''); },
    args: (c) => [c.at('m.onnx'), '-o', c.at('out.onnx')],
    stderr: /--out: .*out\.onnx: cannot write here: .*out\.onnx is a folder, not a file/,
  },
  {
    cli: 'speechkd-onnx-expose', name: '--out on a read-only disk', exit: 2, disk: 'read-only', setup: (c) => { c.file('m.onnx', MODEL); },
    args: (c) => [c.at('m.onnx')],
    stderr: /--out: .*m\.layers\.onnx: cannot write here: the file system is read-only \(EROFS\)/,
  },
  {
    cli: 'speechkd-onnx-expose', name: '--out on a full disk', exit: 2, disk: 'full', setup: (c) => { c.file('m.onnx', MODEL); },
    args: (c) => [c.at('m.onnx'), '-o', c.at('big.onnx')],
    stderr: /--out: .*big\.onnx: cannot write here: no space left on the device \(0\.0 MiB free, 0\.\d MiB needed\)/,
  },
  {
    cli: 'speechkd-onnx-expose', name: '--out on a disk without room for the model', exit: 2, disk: 'small',
    setup: (c) => { c.file('m.onnx', new Uint8Array(600 * 1024)); },
    args: (c) => [c.at('m.onnx'), '-o', c.at('big.onnx')],
    stderr: /--out: .*big\.onnx: cannot write here: no space left on the device \(0\.\d MiB free, 0\.6 MiB needed\)/,
  },
  {
    cli: 'speechkd-onnx-expose', name: 'a model that does not parse', exit: 1, setup: (c) => { c.file('m.onnx', GARBAGE); },
    args: (c) => [c.at('m.onnx'), '-o', c.at('out.onnx')],
    stderr: /^speechkd-onnx-expose: .*m\.onnx: model: not a valid ONNX ModelProto \(.*\); pass an \.onnx file$/m,
  },
];
