import { tf } from '@speechkd/tensor-backend';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { TextTowerConfig } from './config.js';

/** Named tower parameters (variables while training, plain tensors when loaded for inference). */
export type TowerParams = Map<string, Tensor>;

/**
 * Row gather `table[idx]` -> `[n, dim]` whose gradient is a ScatterNd (summing duplicates): tfjs'
 * own Gather gradient needs UnsortedSegmentSum, which the wasm backend lacks.
 */
export function gatherRows(table: Tensor2D, idx: Tensor1D): Tensor2D {
  const f = tf.customGrad(((t: Tensor, i: Tensor, save: (tensors: Tensor[]) => void) => {
    const value = tf.gather(t as Tensor2D, i as Tensor1D) as Tensor2D;
    const shape = t.shape;
    save([i]); // kept alive for the backward pass (the caller's tidy disposes i before it runs)
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.scatterND(tf.expandDims(saved[0], 1), dy, shape), tf.zerosLike(saved[0])],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(table, idx) as Tensor2D;
}

/**
 * `a @ b` for `[m, k] x [k, n]` whose gradients transpose explicitly: on the wasm backend
 * BatchMatMul with transposeA/transposeB is 15-25x slower than Transpose + plain MatMul (measured:
 * [960,128]^T x [960,512] 626 ms vs 40 ms), and tfjs' MatMul gradient uses those flags.
 */
export function matMul2d(a: Tensor2D, b: Tensor2D): Tensor2D {
  const f = tf.customGrad(((x: Tensor, y: Tensor, save: (tensors: Tensor[]) => void) => {
    save([x, y]);
    return {
      value: tf.matMul(x as Tensor2D, y as Tensor2D),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [
        tf.matMul(dy as Tensor2D, tf.transpose(saved[1]) as Tensor2D),
        tf.matMul(tf.transpose(saved[0]) as Tensor2D, dy as Tensor2D),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(a, b) as Tensor2D;
}

/** Seeded initial parameters: normal(0, 0.02) weights, zero biases, unit LayerNorm gains. */
export function initTowerParams(c: TextTowerConfig, seed: number): TowerParams {
  const p: TowerParams = new Map();
  let n = 0;
  const normal = (name: string, shape: number[]): void => void p.set(name, tf.variable(tf.randomNormal(shape, 0, 0.02, "float32", seed * 1000 + n++), true));
  const fill = (name: string, shape: number[], v: number): void => void p.set(name, tf.variable(tf.fill(shape, v), true));
  const h = c.hidden;
  normal('embeddings/word', [c.vocabSize, h]);
  normal('embeddings/position', [c.maxTokens, h]);
  fill('embeddings/ln/gamma', [h], 1);
  fill('embeddings/ln/beta', [h], 0);
  const dense = (name: string, i: number, o: number): void => {
    normal(`${name}/w`, [i, o]);
    fill(`${name}/b`, [o], 0);
  };
  for (let l = 0; l < c.layers; l++) {
    for (const q of ['q', 'k', 'v', 'o']) dense(`layer.${l}/attention/${q}`, h, h);
    fill(`layer.${l}/attention/ln/gamma`, [h], 1);
    fill(`layer.${l}/attention/ln/beta`, [h], 0);
    dense(`layer.${l}/ffn/in`, h, c.intermediate);
    dense(`layer.${l}/ffn/out`, c.intermediate, h);
    fill(`layer.${l}/ffn/ln/gamma`, [h], 1);
    fill(`layer.${l}/ffn/ln/beta`, [h], 0);
  }
  dense('mlm/dense', h, h);
  fill('mlm/ln/gamma', [h], 1);
  fill('mlm/ln/beta', [h], 0);
  fill('mlm/bias', [c.vocabSize], 0);
  return p;
}

function get(p: TowerParams, name: string): Tensor {
  const t = p.get(name);
  if (!t) throw new Error(`text tower: parameter ${name} missing`);
  return t;
}

function layerNorm(p: TowerParams, x: Tensor, name: string, eps: number): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), get(p, `${name}/gamma`)), get(p, `${name}/beta`));
}

function dense(p: TowerParams, x: Tensor, name: string): Tensor {
  const shape = x.shape;
  const w = get(p, `${name}/w`) as Tensor2D;
  const y = tf.add(matMul2d(tf.reshape(x, [-1, shape[shape.length - 1]]) as Tensor2D, w), get(p, `${name}/b`));
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
}

function gelu(x: Tensor): Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

/**
 * Encoder forward: compact ids `[batch, tokens]` int32 and mask `[batch, tokens]` (1 real, 0 pad)
 * -> `layers + 1` hidden states `[batch, tokens, hidden]` (index 0 = embeddings). Post-LN BERT layers.
 */
export function towerForward(p: TowerParams, c: TextTowerConfig, ids: Tensor2D, mask: Tensor2D): Tensor3D[] {
  const [b, t] = ids.shape;
  const h = c.hidden;
  const dh = h / c.heads;
  const word = tf.reshape(gatherRows(get(p, 'embeddings/word') as Tensor2D, tf.reshape(ids, [-1]) as Tensor1D), [b, t, h]);
  const pos = tf.slice(get(p, 'embeddings/position'), [0, 0], [t, h]);
  let x = layerNorm(p, tf.add(word, pos), 'embeddings/ln', c.layerNormEps);
  const states: Tensor3D[] = [x as Tensor3D];
  const maskAdd = tf.reshape(tf.mul(tf.sub(1, mask), -10000), [b, 1, 1, t]);
  const heads = (y: Tensor): Tensor => tf.transpose(tf.reshape(y, [b, t, c.heads, dh]), [0, 2, 1, 3]);
  for (let l = 0; l < c.layers; l++) {
    const s = `layer.${l}`;
    const q = heads(dense(p, x, `${s}/attention/q`));
    const k = heads(dense(p, x, `${s}/attention/k`));
    const v = heads(dense(p, x, `${s}/attention/v`));
    const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), maskAdd);
    const ctx = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores, -1), v), [0, 2, 1, 3]), [b, t, h]);
    const a = layerNorm(p, tf.add(x, dense(p, ctx, `${s}/attention/o`)), `${s}/attention/ln`, c.layerNormEps);
    const f = dense(p, gelu(dense(p, a, `${s}/ffn/in`)), `${s}/ffn/out`);
    x = layerNorm(p, tf.add(a, f), `${s}/ffn/ln`, c.layerNormEps);
    states.push(x as Tensor3D);
  }
  return states;
}

/** MLM head on selected hidden rows `[n, hidden]` -> logits `[n, vocabSize]` (decoder tied to the word embeddings). */
export function mlmLogits(p: TowerParams, c: TextTowerConfig, rows: Tensor2D): Tensor2D {
  const y = layerNorm(p, gelu(dense(p, rows, 'mlm/dense')), 'mlm/ln', c.layerNormEps) as Tensor2D;
  return tf.add(matMul2d(y, tf.transpose(get(p, 'embeddings/word')) as Tensor2D), get(p, 'mlm/bias')) as Tensor2D;
}
