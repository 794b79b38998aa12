import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@speechkd/tensor-backend';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { TextTeacherError } from '../errors.js';
import { fingerprintOf, sha256 } from '../hash.js';
import type { TextEncoding, TextTeacher } from '../text-teacher.js';
import { loadTokenizer } from '../tokenizer.js';
import { loadCheckpoint } from './checkpoint.js';
import { CompactVocab } from './compact-vocab.js';
import { towerForward } from './model.js';

/**
 * Loads a trained text tower (a checkpoint folder, or a training folder through its LATEST file)
 * as a `TextTeacher`. Token ids are real WordPiece ids; ids the tower never saw map to [UNK].
 */
export async function loadTextTower(dir: string): Promise<TextTeacher> {
  const ck = await loadCheckpoint(dir);
  const tokenizerDir = join(ck.dir, ck.config.tokenizer);
  const tokenizer = await loadTokenizer(tokenizerDir);
  const vocab = new CompactVocab(ck.vocabMap, ck.config.special.unk);
  const c = ck.config.model;
  const params = ck.params;
  const fingerprint = fingerprintOf('text-tower', ck.weightsSha256, sha256(readFileSync(join(tokenizerDir, 'tokenizer.json'))), {
    model: c, vocabMap: sha256(JSON.stringify(ck.vocabMap)),
  });
  let disposed = false;
  const encode = async (texts: readonly string[]): Promise<TextEncoding> => {
    if (disposed) throw new TextTeacherError(`text tower ${ck.dir}: encode after dispose`);
    if (texts.length === 0) throw new TextTeacherError('encode: texts is empty; pass at least one text');
    const b = tokenizer.encodeBatch(texts, { maxLength: c.maxTokens });
    const dims: [number, number] = [b.batch, b.tokens];
    const mask = tf.tensor2d(Float32Array.from(b.mask), dims) as Tensor2D;
    const hiddenStates = tf.tidy(() => towerForward(params, c, tf.tensor2d(vocab.mapIds(b.ids), dims, 'int32'), mask));
    return { tokenIds: tf.tensor2d(b.ids, dims, 'int32'), mask, hiddenStates, dim: c.hidden, numLayers: c.layers };
  };
  return {
    name: `text-tower(${ck.dir})`,
    fingerprint,
    dim: c.hidden,
    numLayers: c.layers,
    maxTokens: c.maxTokens,
    tokenizer,
    encode,
    dispose: async () => {
      disposed = true;
      params.forEach((t) => t.dispose());
    },
  };
}
