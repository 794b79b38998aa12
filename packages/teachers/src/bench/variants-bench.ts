#!/usr/bin/env node
// Real-export variants benchmark: for each transformers.js variant (fp32, fp16, q8, q4, ...) of the exports made
// by datasets/fixtures/scripts/export-hf-fixtures.py, the teacher's load and run time against raw onnxruntime on
// the same file (logits only, the unmodified graph), both on `--threads` intra-op threads, and each variant's
// deviation from fp32 (and fp32's from PyTorch). Speech: test-other fixture utterances; text: their transcripts.
// Load times are the median of --load-repeats loads of each (page cache and other jobs make
// single loads vary several-fold on a shared machine).
// Usage: node dist/bench/variants-bench.js --root /tmp/hf-full [--models a,b] [--utterances 4] [--threads 1] [--load-repeats 3] [--json FILE]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { HF_EXPORTS_ROOT, LIBRISPEECH_SAMPLE_ROOT, loadHfGolden, sampleAudioPath } from '@speechkd/fixtures';
import { readLibriSpeechSubset } from '@speechkd/librispeech';
import { float32ToFloat16, listModelVariants } from '@speechkd/onnx-graph';
import type { ModelDtype } from '@speechkd/onnx-graph';
import { initBackend } from '@speechkd/tensor-backend';
import { disposeEncoding, loadOnnxTextTeacher, loadTokenizer } from '@speechkd/text-encoders';
import { loadAudioAt } from '../cli/load-audio.js';
import { analyseSpeechGraph } from '../onnx/speech-graph.js';
import { loadOnnxSpeechTeacher } from '../onnx/onnx-speech-teacher.js';
import { zeroMeanUnitVariance } from '../onnx/wav2vec2-config.js';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string' }, models: { type: 'string' }, utterances: { type: 'string' }, threads: { type: 'string' }, json: { type: 'string' },
    'load-repeats': { type: 'string' },
  },
  strict: true,
});
const root = args.root ?? HF_EXPORTS_ROOT;
const threads = Number(args.threads ?? 1);
const nUtts = Number(args.utterances ?? 4);
const loadRepeats = Number(args['load-repeats'] ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await initBackend({ log: null });
const now = (): number => performance.now() / 1000;

/** max |a - b| / max |b| and the Pearson correlation. */
function compare(a: Float32Array, b: Float32Array): { rel: number; corr: number } {
  let d = 0;
  let m = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) [d, m, ma, mb] = [Math.max(d, Math.abs(a[i] - b[i])), Math.max(m, Math.abs(b[i])), ma + a[i] / a.length, mb + b[i] / b.length];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + (a[i] - ma) * (b[i] - mb), aa + (a[i] - ma) ** 2, bb + (b[i] - mb) ** 2];
  return { rel: d / m, corr: ab / Math.sqrt(aa * bb) };
}
const worst = (xs: Array<{ rel: number; corr: number }>) => ({ rel: Math.max(...xs.map((x) => x.rel)), corr: Math.min(...xs.map((x) => x.corr)) });

interface Row {
  model: string; dtype: string; file: string; mib: number; rawLoad: number; teacherLoad: number; rawRun: number; teacherRun: number;
  ratio: number; realtime?: number; vsFp32?: { rel: number; corr: number }; vsPytorch?: { rel: number; corr: number };
}
const rows: Row[] = [];
const repos = (args.models?.split(',') ?? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'onnx'))).sort());
const utts = readLibriSpeechSubset(LIBRISPEECH_SAMPLE_ROOT, 'test-other').utterances.slice(0, nUtts);
process.stderr.write(`variants bench: ${root}, ${repos.length} models, ${utts.length} utterances, ${threads} thread(s)\n`);

// Warm-up: onnxruntime's one-time start-up (thread pools, kernel registry) is not any variant's load time.
await (await ort.InferenceSession.create(path.join(HF_EXPORTS_ROOT, 'wav2vec2-ctc-op14', 'onnx', 'model.onnx'))).release();

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = now();
  const r = await f();
  return [r, now() - t];
}

for (const repo of repos) {
  const dir = path.join(root, repo);
  const goldenName = repo.replace(/-op\d+$/, '');
  const golden = fs.existsSync(path.join(root, 'golden', `${goldenName}.json`)) ? loadHfGolden(goldenName, root) : undefined;
  const text = fs.existsSync(path.join(dir, 'tokenizer.json'));
  let fp32: Float32Array[] | undefined;
  for (const { dtype, file } of listModelVariants(dir)) {
    const opts = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
    const rawLoads: number[] = [];
    const teacherLoads: number[] = [];
    const loadRaw = async (): Promise<ort.InferenceSession> => {
      const [s, t] = await timed(() => ort.InferenceSession.create(path.join(dir, file), opts)); // reads the file, as the teacher does
      rawLoads.push(t);
      return s;
    };
    for (let i = 1; i < loadRepeats; i++) await (await loadRaw()).release();
    const raw = await loadRaw();
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, file)));
    let rawRun = 0;
    let teacherRun = 0;
    let outs: Float32Array[] = [];
    let audioSeconds = 0;
    if (!text) {
      const float16 = analyseSpeechGraph(bytes, file).float16Input;
      const load = async () => {
        const [t, tl] = await timed(() => loadOnnxSpeechTeacher(dir, { modelDtype: dtype as ModelDtype, threads }));
        teacherLoads.push(tl);
        return t;
      };
      for (let i = 1; i < loadRepeats; i++) await (await load()).dispose();
      const teacher = await load();
      const audio = await Promise.all(utts.map((u) => loadAudioAt(u.audio, 16000)));
      audioSeconds = audio.reduce((s, a) => s + a.length / 16000, 0);
      const feed = (x: Float32Array) => ({ input_values: float16 ? new ort.Tensor('float16', float32ToFloat16(x), [1, x.length]) : new ort.Tensor('float32', x, [1, x.length]) });
      await raw.run(feed(zeroMeanUnitVariance(audio[0])), ['logits']); // warm-up, both paths
      await teacher.extract(audio[0]);
      for (const x of audio) {
        const t0 = now();
        (await raw.run(feed(zeroMeanUnitVariance(x)), ['logits'])).logits.dispose();
        rawRun += now() - t0;
        const t1 = now();
        await teacher.extract(x);
        teacherRun += now() - t1;
      }
      // Deviation on the golden's utterance: every hidden state and the logits.
      const ref = await teacher.extract(await loadAudioAt(sampleAudioPath('test-other', golden?.audio ?? '1688-142285-0002', 'flac'), 16000));
      outs = [...ref.hiddenStates.map((h) => h!), ref.logits!];
      await teacher.dispose();
    } else {
      const sentences = utts.map((u) => u.text.toLowerCase());
      const load = async () => {
        const [t, tl] = await timed(() => loadOnnxTextTeacher(dir, { modelDtype: dtype as ModelDtype, threads, maxTokens: 512 }));
        teacherLoads.push(tl);
        return t;
      };
      for (let i = 1; i < loadRepeats; i++) await (await load()).dispose();
      const teacher = await load();
      const tok = await loadTokenizer(dir);
      const b = tok.encodeBatch(sentences, { maxLength: 512 });
      const i64 = (a: Int32Array) => new ort.Tensor('int64', BigInt64Array.from(a, (v) => BigInt(v)), [b.batch, b.tokens]);
      const feeds = { input_ids: i64(b.ids), attention_mask: i64(b.mask), token_type_ids: i64(b.typeIds) };
      await raw.run(feeds);
      disposeEncoding(await teacher.encode(sentences));
      for (let rep = 0; rep < 3; rep++) {
        const t0 = now();
        await raw.run(feeds);
        rawRun += now() - t0;
        const t1 = now();
        disposeEncoding(await teacher.encode(sentences));
        teacherRun += now() - t1;
      }
      const enc = await teacher.encode(golden?.sentences ?? sentences);
      const mask = enc.mask.arraySync() as number[][];
      outs = enc.hiddenStates.map((h) => Float32Array.from((h.arraySync() as number[][][]).flatMap((row, bi) => row.filter((_, t) => mask[bi][t] > 0).flat())));
      disposeEncoding(enc);
      await teacher.dispose();
    }
    await raw.release();
    const [rawLoad, teacherLoad] = [median(rawLoads), median(teacherLoads)];
    const row: Row = {
      model: repo, dtype, file, mib: bytes.length / 2 ** 20, rawLoad, teacherLoad, rawRun, teacherRun, ratio: teacherRun / rawRun,
      ...(audioSeconds ? { realtime: audioSeconds / teacherRun } : {}),
    };
    if (dtype === 'fp32') {
      fp32 = outs;
      if (golden) {
        const want = text
          ? golden.hiddenStates.map((h) => {
            const [batch, tokens, dim] = h.shape;
            const rowsKept: number[] = [];
            for (let bi = 0; bi < batch; bi++) for (let t = 0; t < tokens; t++) if (golden.attentionMask![bi][t]) rowsKept.push(...h.data.subarray((bi * tokens + t) * dim, (bi * tokens + t + 1) * dim));
            return Float32Array.from(rowsKept);
          })
          : [...golden.hiddenStates.map((h) => h.data), golden.logits!.data];
        row.vsPytorch = worst(outs.map((o, i) => compare(o, want[i])));
      }
    } else if (fp32) {
      row.vsFp32 = worst(outs.map((o, i) => compare(o, fp32![i])));
    }
    rows.push(row);
    const dev = row.vsPytorch ? `vs PyTorch max rel ${row.vsPytorch.rel.toExponential(1)}` : row.vsFp32 ? `vs fp32 max rel ${row.vsFp32.rel.toExponential(1)}, min corr ${row.vsFp32.corr.toFixed(4)}` : '';
    process.stderr.write(`  ${repo} ${dtype}: load ${rawLoad.toFixed(2)} s raw / ${teacherLoad.toFixed(2)} s teacher; run ${rawRun.toFixed(2)} s raw / ${teacherRun.toFixed(2)} s teacher (${row.ratio.toFixed(2)}x)${row.realtime ? `, ${row.realtime.toFixed(1)}x realtime` : ''}; ${dev}\n`);
  }
}

console.log('| model | variant | MiB | load raw / teacher (s) | run raw / teacher (s) | teacher / raw | x realtime | deviation |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const dev = r.vsPytorch ? `fp32 vs PyTorch: max rel ${r.vsPytorch.rel.toExponential(1)}` : r.vsFp32 ? `vs fp32: max rel ${r.vsFp32.rel.toExponential(1)}, corr >= ${r.vsFp32.corr.toFixed(4)}` : '';
  console.log(`| ${r.model} | ${r.dtype} | ${r.mib.toFixed(1)} | ${r.rawLoad.toFixed(2)} / ${r.teacherLoad.toFixed(2)} | ${r.rawRun.toFixed(2)} / ${r.teacherRun.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.realtime?.toFixed(1) ?? '-'} | ${dev} |`);
}
if (args.json) fs.writeFileSync(args.json, JSON.stringify({ root, threads, utterances: utts.length, rows }, null, 1));
