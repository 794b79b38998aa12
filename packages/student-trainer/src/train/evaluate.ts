import { tf } from '@speechkd/tensor-backend';
import { scoreCorpus } from '@speechkd/wer';
import type { StudentModel } from '../model/student.js';
import { decodeLogits } from '@speechkd/recognizer';
import type { DecoderOptions } from '@speechkd/recognizer';
import { collate, disposeBatch, makeBatches } from './batches.js';
import type { Utterance } from './batches.js';

/** Corpus WER/CER (fractions) of a decoded set, with its hypotheses by id. */
export interface EvalResult {
  wer: number;
  cer: number;
  utterances: number;
  referenceWords: number;
  hypotheses: Map<string, string>;
}

/** Decodes utterances (length-bucketed batches, no augmentation) and scores them with @speechkd/wer. */
export async function evaluateWer(
  model: StudentModel,
  utts: readonly Utterance[],
  opts: DecoderOptions & { batchFrames: number; maxBatch: number },
): Promise<EvalResult> {
  const hyps = new Map<string, string>();
  const refs = new Map<string, string>();
  for (const idx of makeBatches(utts, opts.batchFrames, opts.maxBatch)) {
    const batch = collate(idx.map((i) => utts[i]));
    let lengths: number[] = [];
    const logits = tf.tidy(() => {
      const out = model.forward(batch.features, batch.lengths);
      lengths = out.outputLengths;
      return out.logits;
    });
    const texts = decodeLogits({ data: logits.dataSync() as Float32Array, dims: logits.shape.slice() }, lengths, opts);
    logits.dispose();
    batch.ids.forEach((id, i) => {
      hyps.set(id, texts[i]);
      refs.set(id, batch.texts[i]);
    });
    disposeBatch(batch);
    await new Promise((r) => setImmediate(r)); // keep the progress bar / signals responsive
  }
  const score = scoreCorpus(refs, hyps);
  const s = score.summary;
  return { wer: s.wer ?? 0, cer: s.cer ?? NaN, utterances: utts.length, referenceWords: s.referenceWords, hypotheses: hyps };
}
