import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import {
  adaptiveTemperature,
  alignmentPoolLoss,
  attentionAlignLoss,
  attentionTransferLoss,
  ckaLoss,
  createAttentionAligner,
  createProjector,
  createTeacherGate,
  createUncertaintyWeighting,
  fspLoss,
  fuseTeacherLogits,
  gramLoss,
  hiddenLoss,
  infoNceLoss,
  kdLoss,
  kdLossFromProbs,
  layerMatchLoss,
  meanPool,
  pairKey,
  pooledMatchLoss,
  resampleTime,
  uniformLayerMap,
} from '../index.js';
import type { HiddenLossKind } from '../index.js';

/** Training shapes for the benchmark. */
export interface BenchShape {
  batch: number;
  frames: number;
  dim: number;
  teacherLayers: number;
  studentDim: number;
  studentLayers: number;
  heads: number;
  vocab: number;
  tokens: number;
}

/** One benchmark case: `run` does forward + backward and returns every tensor it produced. */
export interface LossCase {
  name: string;
  run(): Tensor[];
  dispose(): void;
}

/** Forward + backward of `f` with respect to the tensors `xs` and the variables `vars`, in one backward pass. */
function fb(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], vars: Variable[] = []): Tensor[] {
  if (!vars.length) return tf.grads((...inputs: Tensor[]) => f(...inputs) as Scalar)(xs);
  // Inputs become (data-sharing) variables so that one variableGrads call covers inputs and parameters.
  const xv = xs.map((x) => tf.variable(x, true));
  const { value, grads } = tf.variableGrads(() => f(...xv) as Scalar, [...xv, ...vars]);
  tf.dispose(xv);
  return [value, ...Object.values(grads)];
}

/** All benchmark cases at `s`; `mask` [batch, frames]. The caller disposes each case. */
export function lossCases(s: BenchShape, mask: Tensor): LossCase[] {
  const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
  const bt = [s.batch, s.frames];
  const cases: LossCase[] = [];
  const add = (name: string, tensors: Tensor[], run: () => Tensor[], extra: () => void = () => {}) =>
    cases.push({ name, run, dispose: () => { tf.dispose(tensors); extra(); } });

  {
    const [t, st] = [rnd([...bt, s.vocab], 1), rnd([...bt, s.vocab], 2)];
    add('kdLoss (T=3, 29 classes)', [t, st], () => fb((x) => kdLoss(t, x, { mask }), [st]));
    const t2 = rnd([...bt, s.vocab], 5);
    add('adaptiveTemperature (20 bisection steps, forward only)', [t2], () => {
      adaptiveTemperature(t2, { mask });
      return [];
    });
  }
  for (const kind of ['l1', 'mse', 'cosine', 'log-sigmoid-cosine'] as HiddenLossKind[]) {
    const [t, st] = [rnd([...bt, s.dim], 3), rnd([...bt, s.dim], 4)];
    add(`${kind} (${s.dim} dims)`, [t, st], () => fb((x) => hiddenLoss(kind, t, x, { mask }), [st]));
  }
  {
    const teacher = Array.from({ length: s.teacherLayers }, (_, i) => rnd([...bt, s.dim], 10 + i));
    const student = Array.from({ length: s.studentLayers }, (_, i) => rnd([...bt, s.studentDim], 30 + i));
    const pairs = uniformLayerMap(s.studentLayers, s.teacherLayers);
    const projectors = Object.fromEntries(pairs.map((p, i) => [pairKey(p), createProjector(s.studentDim, s.dim, { seed: i })]));
    const vars = Object.values(projectors).flatMap((p) => p.variables);
    add(
      `layerMatchLoss distilhubert (${pairs.length} pairs of ${s.teacherLayers} teacher layers, projectors ${s.studentDim}->${s.dim})`,
      [...teacher, ...student],
      () => fb((...xs) => layerMatchLoss(teacher, xs, pairs, { mask, projectors, loss: 'distilhubert' }).total, student, vars),
      () => Object.values(projectors).forEach((p) => p.dispose()),
    );
  }
  {
    const [t, st] = [rnd([...bt, s.dim], 50), rnd([...bt, s.studentDim], 51)];
    add('gramLoss (frame similarity)', [], () => fb((x) => gramLoss(t, x, { mask }), [st]));
    add('ckaLoss (linear CKA)', [], () => fb((x) => ckaLoss(t, x, { mask }), [st]));
    const [ta, tb, sa, sb] = [rnd([...bt, s.dim], 52), rnd([...bt, s.dim], 53), rnd([...bt, s.dim], 54), rnd([...bt, s.dim], 55)];
    add('fspLoss', [t, st, ta, tb, sa, sb], () => fb((a, b) => fspLoss(ta, tb, a, b, { mask }), [sa, sb]));
  }
  {
    const att = (seed: number) => tf.tidy(() => tf.softmax(tf.add(rnd([s.batch, s.heads, s.frames, s.frames], seed), tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [s.batch, 1, 1, s.frames]))));
    const [t, st] = [att(60), att(61)];
    add(`attentionTransferLoss KL (${s.heads} heads, ${s.frames}x${s.frames})`, [t, st], () => fb((x) => attentionTransferLoss(t, x, { mask }), [st]));
  }
  {
    const text = rnd([s.batch, s.tokens, s.dim], 70);
    const textMask = tf.ones([s.batch, s.tokens]);
    const speech = rnd([...bt, s.studentDim], 71);
    const aligner = createAttentionAligner(s.studentDim, s.dim, { attnDim: 64 });
    add(`attentionAlignLoss tokens-to-frames (${s.tokens} tokens)`, [], () =>
      fb((x) => attentionAlignLoss(aligner, text, textMask, x, mask), [speech], aligner.variables),
    );
    cases.push({
      name: `attentionAlignLoss frames-to-tokens (${s.tokens} tokens)`,
      run: () => fb((x) => attentionAlignLoss(aligner, text, textMask, x, mask, { direction: 'frames-to-tokens' }), [speech], aligner.variables),
      dispose: () => {
        tf.dispose(speech);
        aligner.dispose();
      },
    });
    const studentDimText = rnd([...bt, s.dim], 72);
    add('pooledMatchLoss (cosine)', [], () => fb((x) => pooledMatchLoss(text, textMask, x, mask), [studentDimText]));
    const te = tf.tidy(() => meanPool(text, textMask));
    const se = rnd([s.batch, s.dim], 73);
    add('infoNceLoss (symmetric)', [te, se], () => fb((x) => infoNceLoss(te, x), [se]));
    // Alignment: every utterance's valid frames spread evenly over the tokens, a third of frames blank.
    const ali = tf.tidy(() => {
      const f = tf.range(0, s.frames, 1, 'int32');
      const tok = tf.cast(tf.floor(tf.div(tf.cast(f, 'float32'), s.frames / s.tokens)), 'int32');
      const blank = tf.equal(tf.mod(f, 3), 2);
      const row = tf.where(blank, tf.fill([s.frames], -1, 'int32'), tok);
      return tf.tile(tf.expandDims(row, 0), [s.batch, 1]);
    });
    add('alignmentPoolLoss (one-hot matMul)', [ali, text, textMask, studentDimText], () => fb((x) => alignmentPoolLoss(text, textMask, x, ali), [studentDimText]));
  }
  {
    const teacher20ms = rnd([s.batch, 2 * s.frames, s.dim], 80);
    const teacherMask = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(mask, 2), [1, 1, 2]), [s.batch, 2 * s.frames]));
    const st = rnd([...bt, s.dim], 81);
    add('resampleTime 2x + l1 (teacher 20 ms -> student 40 ms)', [teacher20ms, teacherMask, st], () =>
      fb((x) => hiddenLoss('l1', resampleTime(teacher20ms, teacherMask, mask), x, { mask }), [st]),
    );
  }
  {
    const teachers = [1, 2, 3].map((i) => rnd([...bt, s.vocab], 90 + i));
    const st = rnd([...bt, s.vocab], 94);
    const ctx = rnd([s.batch, s.studentDim], 95);
    const gate = createTeacherGate(s.studentDim, 3);
    add(
      'multi-teacher fusion (3 teachers, gate) + kdLossFromProbs',
      [...teachers, st, ctx],
      () => fb((x) => kdLossFromProbs(fuseTeacherLogits(teachers, gate.apply(ctx), 3), x, { temperature: 3, mask }), [st], gate.variables),
      () => gate.dispose(),
    );
  }
  {
    const u = createUncertaintyWeighting(['ctc', 'kd', 'hidden']);
    const losses = { ctc: tf.scalar(3), kd: tf.scalar(1), hidden: tf.scalar(0.5) };
    cases.push({
      name: 'uncertainty weighting (3 losses)',
      run: () => {
        const { value, grads } = tf.variableGrads(() => u.combine(losses), u.variables);
        return [value, ...Object.values(grads)];
      },
      dispose: () => {
        tf.dispose(Object.values(losses));
        u.dispose();
      },
    });
  }
  return cases;
}
