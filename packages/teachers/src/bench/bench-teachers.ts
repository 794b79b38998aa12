import fs from 'node:fs';
import path from 'node:path';
import { kaldiFbank } from '@speechkd/audio-features';
import { buildTinyBert, buildTinyWav2vec2 } from '@speechkd/onnx-graph';
import { createStudent } from '@speechkd/student-trainer';
import { BERT_BASE_UNCASED_DIR, loadOnnxTextTeacher, trainTextTower } from '@speechkd/text-encoders';
import { loadInProjectTextTeacher } from '../in-project/load-text-tower.js';
import { createModelSpeechTeacher } from '../in-project/model-speech-teacher.js';
import { loadOnnxSpeechTeacher } from '../onnx/onnx-speech-teacher.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { textTeacherForCache } from '../text-adapter.js';

/** Kaldi fbank (80 bins, 10 ms shift, no dither) of 16 kHz samples in [-1, 1), as the trainer computes it. */
export function fbank80(x: Float32Array): { data: Float32Array; numFrames: number; numBins: number } {
  const scaled = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) scaled[i] = x[i] * 32768;
  return kaldiFbank(scaled, { numMelBins: 80, dither: 0 });
}

/** An untrained `teacher-m` wrapped as a speech teacher (same speed as a trained one). */
export function benchTeacherM(seed = 1): SpeechTeacher {
  return createModelSpeechTeacher(createStudent('teacher-m', { seed }), {
    features: fbank80, featureRate: 100, subsampling: 4, featureConfig: { fbank: 80, cmvn: null }, name: 'teacher-m (untrained)',
  });
}

/** A wav2vec2-shaped ONNX teacher with seeded random weights and the standard 320-sample hop (50 frames/s). */
export async function benchOnnxWav2vec2(dir: string, size: 'tiny' | 'small'): Promise<SpeechTeacher> {
  const hop320 = (ch: number) => [{ channels: ch, kernel: 10, stride: 5 }, { channels: ch, kernel: 8, stride: 8 }, { channels: ch, kernel: 8, stride: 8 }];
  const model = size === 'tiny'
    ? buildTinyWav2vec2({ convLayers: hop320(8), numLayers: 2, ctcVocabSize: 32, seed: 1 })
    : buildTinyWav2vec2({ convLayers: hop320(128), hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, posConvKernel: 17, posConvGroups: 16, ctcVocabSize: 32, seed: 1 });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.onnx'), model.bytes);
  fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify({ do_normalize: true, sampling_rate: 16000 }));
  return loadOnnxSpeechTeacher(dir);
}

/** A BERT-shaped ONNX text teacher (tiny: hidden 16 x 2 layers; small: 256 x 4) with the real bert-base-uncased vocabulary and tokenizer. */
export async function benchOnnxBert(dir: string, size: 'tiny' | 'small'): Promise<CacheTextTeacher> {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(BERT_BASE_UNCASED_DIR, dir, { recursive: true });
  const shape = size === 'tiny' ? { numLayers: 2 } : { hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024 };
  fs.writeFileSync(path.join(dir, 'model.onnx'), buildTinyBert({ vocabSize: 30522, maxPositions: 512, seed: 1, ...shape }).bytes);
  return textTeacherForCache(await loadOnnxTextTeacher(dir, { maxTokens: 512 }));
}

/** The in-project mini-BERT (default `small` architecture) after one MLM step on `sentences` (same speed as a trained one). */
export async function benchTextTower(dir: string, sentences: readonly string[]): Promise<CacheTextTeacher> {
  await trainTextTower({ out: dir, sentences, steps: 1, seed: 1, batchSize: 4, log: () => undefined });
  return loadInProjectTextTeacher(dir);
}
