// Text-tower encode throughput: ONNX BERT-shaped graph (onnxruntime-node) vs the in-project tfjs tower.
// Usage: node dist/bench.js [--sentences N] [--batch N] [--bert-base] [--json FILE]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTinyBert } from '@speechkd/onnx-graph';
import { initBackend, tf } from '@speechkd/tensor-backend';
import { loadOnnxTextTeacher } from './onnx-text-teacher.js';
import { disposeEncoding } from './text-teacher.js';
import type { TextTeacher } from './text-teacher.js';
import { BERT_BASE_UNCASED_DIR, loadTokenizer } from './tokenizer.js';
import { loadBrownSentences } from './tower/brown.js';
import { saveCheckpoint } from './tower/checkpoint.js';
import { CompactVocab } from './tower/compact-vocab.js';
import { TOWER_DEFAULTS } from './tower/config.js';
import { loadTextTower } from './tower/load-text-tower.js';
import { initTowerParams } from './tower/model.js';

const { values } = parseArgs({ options: { sentences: { type: 'string' }, batch: { type: 'string' }, 'bert-base': { type: 'boolean' }, json: { type: 'string' } } });
const count = Number(values.sentences ?? 512);
const batch = Number(values.batch ?? 32);

async function measure(name: string, teacher: TextTeacher, texts: string[]): Promise<{ name: string; sentencesPerSecond: number; dim: number; layers: number }> {
  disposeEncoding(await teacher.encode(texts.slice(0, batch))); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += batch) disposeEncoding(await teacher.encode(texts.slice(i, i + batch)));
  const sps = texts.length / ((performance.now() - t0) / 1000);
  console.log(`${name.padEnd(44)} ${sps.toFixed(1).padStart(8)} sentences/s  (dim ${teacher.dim}, ${teacher.numLayers} layers, batch ${batch})`);
  return { name, sentencesPerSecond: sps, dim: teacher.dim, layers: teacher.numLayers };
}

const backend = await initBackend({ log: null });
const texts = loadBrownSentences({ maxWords: 40 }).sentences.slice(0, count);
const work = mkdtempSync(join(tmpdir(), 'text-bench-'));
const results = [];
const arch = TOWER_DEFAULTS;
const onnxConfigs: [string, Parameters<typeof buildTinyBert>[0]][] = [
  [`onnx bert-shaped h${arch.hidden} L${arch.layers} (ort)`, { vocabSize: 30522, hiddenSize: arch.hidden, numLayers: arch.layers, numHeads: arch.heads, intermediateSize: arch.intermediate, maxPositions: 512 }],
];
if (values['bert-base']) onnxConfigs.push(['onnx bert-base-shaped h768 L12 (ort)', { vocabSize: 30522, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 3072, maxPositions: 512 }]);
for (const [name, cfg] of onnxConfigs) {
  const dir = join(work, name.replace(/\W+/g, '-'));
  mkdirSync(dir, { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) writeFileSync(join(dir, f), await import('node:fs').then((fs) => fs.readFileSync(join(BERT_BASE_UNCASED_DIR, f))));
  writeFileSync(join(dir, 'model.onnx'), buildTinyBert(cfg).bytes);
  const teacher = await loadOnnxTextTeacher(dir, { maxTokens: arch.maxTokens });
  results.push(await measure(name, teacher, texts));
  await teacher.dispose();
}
// tfjs tower of the default architecture with random weights (throughput does not depend on training)
const tok = await loadTokenizer();
const vocab = CompactVocab.fromCorpus(texts.map((t) => tok.encode(t)), [tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId], tok.unkId);
const config = { ...arch, vocabSize: vocab.size };
const params = initTowerParams(config, 1);
await saveCheckpoint(join(work, 'tower'), { config: { model: config, step: 0, special: { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } }, params, vocabMap: vocab.realIds, tokenizerDir: BERT_BASE_UNCASED_DIR });
tf.dispose([...params.values()]);
const tower = await loadTextTower(join(work, 'tower'));
results.push(await measure(`tfjs text tower h${arch.hidden} L${arch.layers} (${backend.name})`, tower, texts));
await tower.dispose();
rmSync(work, { recursive: true, force: true });
if (values.json) writeFileSync(values.json, JSON.stringify({ sentences: texts.length, batch, backend: backend.name, results }, null, 2));
