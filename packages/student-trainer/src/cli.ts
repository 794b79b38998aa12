#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAudioFile } from '@speechkd/audio-features';
import { readManifest } from '@speechkd/librispeech';
import { scoreCorpus, transcribeInBatches } from '@speechkd/wer';
import { runCli, SettingsCheck, writeFileAtomic } from '@speechkd/safe-io';
import { CharNgramLm, directorySource, DTYPES, LM_DECODING_DEFAULTS, loadRecognizer, parseDtype, readManifest as readRecognizerManifest } from '@speechkd/recognizer';
import type { Dtype, RecognizerOptions } from '@speechkd/recognizer';
import type { WeightPrecision } from './model/quantize.js';
import { parseKeyValueFlags, resolveTrainConfig, RESUME_IGNORED_KEYS, TRAIN_LOCK_FILE } from './train/config.js';

// tfjs and the modules that load it are imported by the commands that need them: a refused command line is
// answered in a fraction of a second instead of after tfjs has loaded (~3 s).
const tfjsModules = async () => ({
  ...(await import('@speechkd/tensor-backend')), ...(await import('./train/trainer.js')), ...(await import('./model/io.js')),
  ...(await import('./export/export-recognizer.js')), ...(await import('./inference/tfjs-recognizer.js')),
});

const USAGE = `usage:
  speechkd-train train [--config FILE] [--fresh] [--no-progress] [--workers N] [--key=value ...]
    (--workers N: data-parallel worker threads, default the cores available (at most 8); 1 = this thread only)
    A run folder (--runDir) whose config.json has the same settings is resumed from its newest checkpoint
    (--resume is accepted and does the same); one made with other settings is refused, naming them: pick
    another --runDir, delete the folder, or pass --fresh to remove its checkpoints, best/, final/ and metrics.
    Settings that may differ on resume (they change no trained weight):
      ${RESUME_IGNORED_KEYS.filter((k) => k !== 'runDir').join(', ')}.
    One process trains in a folder at a time (its ${TRAIN_LOCK_FILE}; a killed process's lock is taken over).
  speechkd-train transcribe --model DIR [--engine onnx|tfjs] [--dtype ${DTYPES.join('|')}] [--decoder greedy|beam] [--beam-size N] [LM] file.wav|file.flac ...
  speechkd-train eval --model DIR --manifest FILE [--engine onnx|tfjs] [--dtype ${DTYPES.join('|')}] [--decoder greedy|beam] [--beam-size N] [LM] [--max-utts N] [--out FILE]
  speechkd-train export --model DIR [--out DIR] [--dtypes ${DTYPES.join(',')}] [--lm FILE [--lm-order N] [--lm-weight W] [--lm-bonus B] [--beam-size N]]
  speechkd-train quantize --model DIR --precision float16|int8 --out DIR   (the tfjs weights)
engine: onnx (default) loads DIR's model folder (recognizer.json + onnx/, written by training and by export) in
  @speechkd/recognizer on onnxruntime-node, variant --dtype (default fp32); tfjs runs the training bundle's weights.
LM: --lm FILE [--lm-order N] [--lm-weight W] [--lm-bonus B]: a character n-gram LM (interpolated Kneser-Ney, default
  order ${LM_DECODING_DEFAULTS.lmOrder}) trained on FILE's sentences, one per line, fused into the beam search (the decoder defaults to beam, beam
  size ${LM_DECODING_DEFAULTS.beamSize}; weight ${LM_DECODING_DEFAULTS.lmWeight} and bonus ${LM_DECODING_DEFAULTS.lmBonus} per character by default)`;

/** Error for bad command-line usage. */
class UsageError extends Error {
  override name = 'UsageError';
}

async function train(args: string[]): Promise<void> {
  let configFile: string | undefined;
  let resume = false;
  let fresh = false;
  let progress = true;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--config') configFile = args[++i];
    else if (a.startsWith('--config=')) configFile = a.slice(9);
    else if (a === '--resume') resume = true;
    else if (a === '--fresh') fresh = true;
    else if (a === '--no-progress') progress = false;
    else rest.push(a);
  }
  if (resume && fresh) throw new UsageError('--resume and --fresh contradict each other: --fresh removes the checkpoints a resume continues');
  const cfg = resolveTrainConfig(configFile, parseKeyValueFlags(rest), { run: true });
  process.stderr.write(`[train] config: ${JSON.stringify(cfg)}\n`);
  const { Trainer } = await tfjsModules();
  const trainer = await Trainer.create(cfg, { resume, fresh, progress });
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\n[train] interrupted: rerun the same command to resume from the last checkpoint\n');
    process.exit(130);
  });
  const s = await trainer.run();
  process.stdout.write(`${JSON.stringify({ step: s.step, finished: s.finished, lastLoss: s.lastLoss, devWer: s.dev?.wer ?? null, bestWer: s.bestWer, bestCer: s.bestCer, bestStep: s.bestStep, badSteps: s.badSteps, workers: s.workers })}\n`);
  trainer.dispose();
}

const DECODER_FLAGS = {
  decoder: { type: 'string' }, 'beam-size': { type: 'string' }, lm: { type: 'string' }, 'lm-order': { type: 'string' }, 'lm-weight': { type: 'string' }, 'lm-bonus': { type: 'string' },
} as const;

type DecoderFlags = { decoder?: string; 'beam-size'?: string; lm?: string; 'lm-order'?: string; 'lm-weight'?: string; 'lm-bonus'?: string };

/** --decoder/--beam-size, and --lm FILE (sentences, one per line) for a character LM fused into the beam search. */
function decoderOptions(v: DecoderFlags): RecognizerOptions {
  const decoder = v.decoder ?? (v.lm ? 'beam' : 'greedy');
  if (decoder !== 'greedy' && decoder !== 'beam') throw new UsageError(`--decoder must be greedy or beam, got "${decoder}"`);
  const beamSize = Number(v['beam-size'] ?? (v.lm ? LM_DECODING_DEFAULTS.beamSize : 8)); // with an LM, the tuned width
  if (!Number.isInteger(beamSize) || beamSize < 1) throw new UsageError(`--beam-size must be a positive integer, got "${v['beam-size']}"`);
  if (!v.lm) {
    for (const k of ['lm-order', 'lm-weight', 'lm-bonus'] as const) if (v[k] !== undefined) throw new UsageError(`--${k} needs --lm FILE`);
    return { decoder, beamSize };
  }
  if (decoder !== 'beam') throw new UsageError('--lm needs --decoder beam (the LM is fused into the beam search)');
  const num = (k: 'lm-order' | 'lm-weight' | 'lm-bonus', fallback: number, min = -Infinity): number => {
    const x = Number(v[k] ?? fallback);
    if (!Number.isFinite(x) || x < min) throw new UsageError(`--${k} must be a number${min > -Infinity ? ` >= ${min}` : ''}, got "${v[k]}"`);
    return x;
  };
  let text: string;
  try {
    text = fs.readFileSync(v.lm, 'utf8');
  } catch (err) {
    throw new UsageError(`--lm ${v.lm}: cannot read (${(err as NodeJS.ErrnoException).code ?? err}); pass a text file with one sentence per line`);
  }
  let lm: CharNgramLm;
  try {
    lm = CharNgramLm.train(text.split('\n'), { order: num('lm-order', LM_DECODING_DEFAULTS.lmOrder) });
  } catch (err) {
    throw new UsageError(`--lm ${v.lm}: ${(err as Error).message}`);
  }
  return { decoder, beamSize, lm, lmWeight: num('lm-weight', LM_DECODING_DEFAULTS.lmWeight, 0), lmBonus: num('lm-bonus', LM_DECODING_DEFAULTS.lmBonus) };
}

/**
 * Checks that `--model` holds what `engine` loads (a model folder's recognizer.json for onnx, a training
 * bundle's model.json for tfjs), so a wrong folder is refused before an output is created.
 */
async function checkModelFolder(s: SettingsCheck, model: string | undefined, engine: string | undefined): Promise<void> {
  if (model === undefined || !fs.existsSync(model)) return; // SettingsCheck.input reported it
  if (engine === 'tfjs') await s.attempt('--model', async () => (await tfjsModules()).readModelManifest(model));
  else if (engine === undefined || engine === 'onnx') await s.attempt('--model', () => readRecognizerManifest(directorySource(model)));
}

/** onnxruntime through @speechkd/recognizer (the model folder, default) or tfjs (the training bundle's weights). */
async function openRecognizer(dir: string, engine: string | undefined, dtype: string | undefined, options: RecognizerOptions) {
  if (engine !== undefined && engine !== 'tfjs' && engine !== 'onnx') throw new UsageError(`--engine must be onnx or tfjs, got "${engine}"`);
  if (engine === 'tfjs') {
    if (dtype !== undefined) throw new UsageError('--dtype applies to --engine onnx (use quantize for tfjs weights)');
    return (await tfjsModules()).loadTfjsRecognizer(dir, options);
  }
  return loadRecognizer(dir, { ...options, dtype: dtype === undefined ? undefined : flagDtype(dtype, '--dtype') });
}

/** A dtype flag value, as a UsageError when unknown. */
function flagDtype(value: string, flag: string): Dtype {
  try {
    return parseDtype(value, flag);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function transcribe(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, engine: { type: 'string' }, dtype: { type: 'string' }, ...DECODER_FLAGS } });
  if (positionals.length === 0) throw new UsageError('transcribe: give at least one audio file');
  const s = new SettingsCheck();
  s.input('--model', values.model, { kind: 'folder', required: true });
  s.choice('--engine', values.engine, ['onnx', 'tfjs']);
  for (const file of positionals) s.input('audio', file);
  s.done();
  const rec = await openRecognizer(values.model!, values.engine, values.dtype, decoderOptions(values));
  for (const file of positionals) {
    const audio = await decodeAudioFile(file);
    process.stdout.write(`${path.basename(file)}\t${await rec.transcribe(audio.samples, audio.sampleRate)}\n`);
  }
  await rec.dispose();
}

async function evaluate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, manifest: { type: 'string' }, engine: { type: 'string' }, dtype: { type: 'string' }, ...DECODER_FLAGS, 'max-utts': { type: 'string' }, out: { type: 'string' } } });
  // Every setting before the model loads: a wrong --out is not found after transcribing the whole manifest.
  const check = new SettingsCheck();
  check.input('--model', values.model, { kind: 'folder', required: true });
  const manifestFile = check.input('--manifest', values.manifest, { required: true });
  const all = manifestFile === undefined ? undefined : await check.attempt('--manifest', () => readManifest(manifestFile));
  const max = check.int('--max-utts', values['max-utts'], { min: 0, default: 0 })!;
  check.choice('--engine', values.engine, ['onnx', 'tfjs']);
  await checkModelFolder(check, values.model, values.engine);
  check.outputFile('--out', values.out);
  check.done();
  const rec = await openRecognizer(values.model!, values.engine, values.dtype, decoderOptions(values));
  const entries = max > 0 ? all!.slice(0, max) : all!;
  const t0 = performance.now();
  const { texts, audioSeconds: audioSec } = await transcribeInBatches(rec, entries, { load: (e) => decodeAudioFile(e.audio), batchSize: 16 });
  const sec = (performance.now() - t0) / 1000;
  const refs = new Map(entries.map((e) => [e.id, e.text]));
  const hyps = new Map(entries.map((e, k) => [e.id, texts[k]]));
  const s = scoreCorpus(refs, hyps).summary;
  const size = 'modelBytes' in rec ? rec.modelBytes : fs.statSync(path.join(values.model!, 'weights.bin')).size;
  const result = { model: values.model, name: rec.name, manifest: values.manifest, utterances: entries.length, wer: s.wer, cer: s.cer, referenceWords: s.referenceWords, weightsBytes: size, rtf: sec / audioSec };
  if (values.out) writeFileAtomic(values.out, [...hyps].map(([id, t]) => `${id} ${t}`).join('\n') + '\n', { flag: '--out' });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await rec.dispose();
}

async function quantize(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, precision: { type: 'string' }, out: { type: 'string' } } });
  const s = new SettingsCheck();
  const model = s.input('--model', values.model, { kind: 'folder', required: true });
  const precision = s.required('--precision', values.precision, 'float16 or int8') && s.choice('--precision', values.precision, ['float32', 'float16', 'int8']);
  const out = s.outputDir('--out', values.out, { required: true });
  if (model !== undefined && out !== undefined && path.resolve(model) === path.resolve(out)) s.add('--out', `${out} is the --model folder; quantize into another folder`);
  await checkModelFolder(s, model, 'tfjs');
  s.done();
  const { initBackend, loadModel, saveModel } = await tfjsModules();
  await initBackend();
  const { model: m, manifest } = loadModel(model!);
  saveModel(m, out!, { precision: precision as WeightPrecision, cmvn: manifest.cmvn, info: { ...manifest.info, quantizedFrom: values.model } });
  const before = fs.statSync(path.join(model!, 'weights.bin')).size;
  const after = fs.statSync(path.join(out!, 'weights.bin')).size;
  process.stdout.write(`${JSON.stringify({ out, precision, bytesBefore: before, bytesAfter: after })}\n`);
  m.dispose();
}

async function exportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, out: { type: 'string' }, dtypes: { type: 'string' }, ...DECODER_FLAGS } });
  const s = new SettingsCheck();
  s.input('--model', values.model, { kind: 'folder', required: true });
  const dtypes: Dtype[] = [];
  for (const d of (values.dtypes ?? DTYPES.join(',')).split(',')) {
    const dtype = await s.attempt('--dtypes', () => parseDtype(d.trim(), '--dtypes'));
    if (dtype) dtypes.push(dtype);
  }
  await checkModelFolder(s, values.model, 'tfjs');
  s.outputDir('--out', values.out ?? values.model);
  s.done();
  const dec = values.lm ? decoderOptions({ ...values, decoder: 'beam' }) : undefined;
  if (!values.lm && (values.decoder !== undefined || values['beam-size'] !== undefined)) throw new UsageError('export: --decoder/--beam-size go with --lm (a folder without an LM decodes greedily)');
  const { initBackend, exportRecognizerFolder } = await tfjsModules();
  await initBackend({ log: null });
  const lm = dec?.lm ? { model: dec.lm, weight: dec.lmWeight!, bonus: dec.lmBonus!, beamSize: dec.beamSize! } : undefined;
  const out = values.out ?? values.model!;
  const manifest = exportRecognizerFolder(values.model!, out, { dtypes, lm, metadata: { exportedFrom: values.model } });
  const files = Object.fromEntries(Object.entries(manifest.onnx.variants).map(([d, v]) => [d, v.bytes]));
  process.stdout.write(`${JSON.stringify({ out, name: manifest.name, parameters: manifest.parameters, bytes: files, lm: manifest.lm ?? null })}\n`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { train, transcribe, eval: evaluate, quantize, export: exportCommand };

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const fn = COMMANDS[cmd];
  if (!fn) throw new UsageError(`unknown command "${cmd}"`);
  await fn(args);
}

// One message and a non-zero exit code for every error; a stack trace only with --debug or SPEECHKD_DEBUG=1.
runCli('speechkd-train', main, { usage: USAGE });
