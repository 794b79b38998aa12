import { DTYPES } from '@speechkd/recognizer';
import type { RecognizerManifest } from '@speechkd/recognizer';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

/** The model card (`README.md`) of a model folder, from its manifest: what it is, its files, how to run it, provenance. */
export function modelCard(m: RecognizerManifest): string {
  const meta = m.metadata ?? {};
  const arch = meta.architecture as Record<string, unknown> | undefined;
  const provenance = Object.entries(meta).filter(([k]) => k !== 'architecture');
  const lines = [
    `# ${m.name}`,
    '',
    `A speech recognizer exported by speechkd: a Conformer-style CTC network of ${(m.parameters / 1e6).toFixed(2)} M parameters that`,
    `reads ${m.features.fbank.numMelBins}-bin Kaldi log-mel filterbanks of ${m.features.sampleRate / 1000} kHz audio (global CMVN ${m.features.cmvn ? 'included' : 'none'}) and`,
    `emits characters (${m.vocab.length} classes: CTC blank, space, apostrophe, A-Z).`,
    '',
    '## Files',
    '',
    '| file | what | bytes |',
    '|---|---|---|',
    ...DTYPES.filter((d) => m.onnx.variants[d]).map((d) => `| \`${m.onnx.variants[d]!.file}\` | ONNX, dtype \`${d}\` | ${m.onnx.variants[d]!.bytes} (${mb(m.onnx.variants[d]!.bytes)}) |`),
    ...(m.lm ? [`| \`${m.lm}\` | character n-gram LM fused into the beam search | |`] : []),
    '| `recognizer.json` | features, CMVN, vocabulary, graph inputs/outputs, variants (SHA-256), decoding settings | |',
    '',
    'fp16 stores the weight matrices as float16, q8 as int8 (symmetric, one scale per output channel) behind',
    'DequantizeLinear; both compute in float32 in @speechkd/recognizer, in Node and in a page alike.',
    '',
    '## Use',
    '',
    '```ts',
    "import { loadRecognizer } from '@speechkd/recognizer'; // onnxruntime-node; in a page the same import gives onnxruntime-web",
    `const rec = await loadRecognizer('path/to/this/folder', { dtype: 'q8' });`,
    'const text = await rec.transcribe(samples, sampleRate); // mono Float32Array in [-1, 1)',
    '```',
    '',
    `Decoding: ${m.decoding.decoder}${m.decoding.decoder === 'beam' ? ` (beam ${m.decoding.beamSize}, LM weight ${m.decoding.lmWeight}, bonus ${m.decoding.lmBonus} per character)` : ''}.`,
    '',
    '## Architecture',
    '',
    arch ? Object.entries(arch).map(([k, v]) => `- ${k}: ${String(v)}`).join('\n') : '(not recorded)',
    '',
    '## Provenance',
    '',
    provenance.length > 0 ? provenance.map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n') : '(not recorded)',
    '',
    'Limitations: accuracy depends on the training data recorded above; models trained only on synthetic',
    'speech do not transfer to real recordings.',
    '',
  ];
  return lines.join('\n');
}
