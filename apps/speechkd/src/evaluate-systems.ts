import path from 'node:path';
import { LIBRISPEECH_SAMPLE_ROOT } from '@speechkd/fixtures';
import type { CharNgramLm } from '@speechkd/recognizer';
import { openBundle } from './open-bundle.js';
import { evaluateLibriSpeech } from '@speechkd/wer-eval';
import type { Log } from './stage.js';

/** A trained model to evaluate. */
export interface SystemSpec {
  /** Short key (folder name), e.g. `student-kd`. */
  key: string;
  /** Row label in the report. */
  label: string;
  /** The model folder to evaluate (a training run's `final/` bundle, or a released model). */
  bundle: string;
  params: number;
  steps: number;
}

/** WER/CER of one system on one test set. */
export interface TestSetResult {
  /** `synthetic test` or `LibriSpeech <subset>`. */
  set: string;
  utterances: number;
  referenceWords: number;
  wer: number | null;
  cer: number | null;
  errors: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Recognizer seconds / audio seconds. */
  rtf: number | null;
  /** Mean recognizer milliseconds per utterance. */
  latencyMs: number | null;
  report: string;
}

/** One system's evaluation across test sets. */
export interface SystemResult extends SystemSpec {
  /** Size of the float32 weights file in bytes. */
  sizeBytes: number;
  results: TestSetResult[];
}

/** Options of `evaluateSystems`. */
export interface EvaluateSystemsOptions {
  /** `<out>/SynthLibri` of the synthetic corpus (its `test` and `dev` subsets are evaluated). */
  synthRoot: string;
  /** Sets evaluated instead of the synthetic test and dev sets (a LibriSpeech run's test and dev subsets). */
  sets?: Array<{ set: string; root: string; subset: string }>;
  /** Subsets of the bundled real LibriSpeech sample. */
  realSubsets: string[];
  outDir: string;
  /** At most this many utterances per set (0 = all). */
  limit: number;
  /** Inference engine: onnxruntime (the exported graph) or tfjs. */
  engine: 'onnx' | 'tfjs';
  /** A character LM: every system is also scored on the synthetic test and dev sets with it ('synthetic test (LM)'). */
  lm?: { model: CharNgramLm; weight: number; bonus: number; beamSize: number } | null;
  log: Log;
}

/** Set name of the LM-decoded evaluation of a set. */
export const withLm = (set: string): string => `${set} (LM)`;

/** Evaluates every system with wer-eval on the synthetic test and dev sets (or `sets`) and the real LibriSpeech sample. */
export async function evaluateSystems(systems: readonly SystemSpec[], opts: EvaluateSystemsOptions): Promise<SystemResult[]> {
  const { statSync } = await import('node:fs');
  const synth = opts.sets ?? [
    { set: 'synthetic test', root: opts.synthRoot, subset: 'test' },
    { set: 'synthetic dev', root: opts.synthRoot, subset: 'dev' },
  ];
  const passes = [
    { lm: false, sets: [...synth, ...opts.realSubsets.map((s) => ({ set: `LibriSpeech ${s}`, root: LIBRISPEECH_SAMPLE_ROOT, subset: s }))] },
    ...(opts.lm ? [{ lm: true, sets: synth.map((s) => ({ ...s, set: withLm(s.set) })) }] : []),
  ];
  const out: SystemResult[] = [];
  for (const sys of systems) {
    const bundle = sys.bundle;
    const results: TestSetResult[] = [];
    for (const pass of passes) {
      const lm = pass.lm && opts.lm ? { decoder: 'beam' as const, beamSize: opts.lm.beamSize, lm: opts.lm.model, lmWeight: opts.lm.weight, lmBonus: opts.lm.bonus } : {};
      const recognizer = await openBundle(bundle, opts.engine, { name: sys.label, ...lm });
      try {
        for (const s of pass.sets) {
          const r = await evaluateLibriSpeech({
            root: s.root, subset: s.subset, recognizer, outDir: path.join(opts.outDir, sys.key, pass.lm ? `${s.subset}-lm` : s.subset),
            limit: opts.limit > 0 ? opts.limit : undefined,
          });
          const sum = r.summary;
          results.push({
            set: s.set, utterances: sum.utterances, referenceWords: sum.referenceWords, wer: sum.wer, cer: sum.cer, errors: sum.errors,
            substitutions: sum.substitutions, deletions: sum.deletions, insertions: sum.insertions, rtf: r.rtf,
            latencyMs: r.recognizerSeconds === null ? null : (1000 * r.recognizerSeconds) / Math.max(1, sum.utterances),
            report: r.files.report,
          });
          opts.log(`[eval] ${sys.label} on ${s.set}: WER ${sum.wer === null ? 'n/a' : (100 * sum.wer).toFixed(2)}% (${sum.utterances} utts, RTF ${r.rtf?.toFixed(4)})`);
        }
      } finally {
        await recognizer.dispose?.();
      }
    }
    const sizeBytes = statSync(path.join(bundle, 'weights.bin')).size;
    out.push({ key: sys.key, label: sys.label, params: sys.params, steps: sys.steps, bundle, sizeBytes, results });
  }
  return out;
}
