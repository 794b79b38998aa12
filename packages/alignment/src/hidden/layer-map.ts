import { assertInt } from '../assert.js';
import { AlignmentError } from '../errors.js';

/** One student layer index paired with the teacher layer it should match (indices into the hidden-state arrays). */
export interface LayerPair {
  student: number;
  teacher: number;
}

/** The logging key of a pair, e.g. `s2->t8`. */
export function pairKey(pair: LayerPair): string {
  return `s${pair.student}->t${pair.teacher}`;
}

/**
 * Explicit pairs, validated against the layer counts: `[[studentIdx, teacherIdx], ...]`. A student layer
 * may appear several times (DistilHuBERT predicts teacher layers 4, 8, 12 from the last student layer).
 */
export function explicitLayerMap(pairs: ReadonlyArray<readonly [number, number]>, numStudent: number, numTeacher: number): LayerPair[] {
  const op = 'explicitLayerMap';
  assertInt(op, 'numStudent', numStudent, 1);
  assertInt(op, 'numTeacher', numTeacher, 1);
  if (!Array.isArray(pairs) || pairs.length === 0) throw new AlignmentError(op, 'pairs', 'must be a non-empty array of [student, teacher]');
  const seen = new Set<string>();
  return pairs.map(([s, t], i) => {
    if (!Number.isInteger(s) || s < 0 || s >= numStudent) {
      throw new AlignmentError(op, 'pairs', `[${i}] student layer ${s} is outside [0, ${numStudent - 1}]`);
    }
    if (!Number.isInteger(t) || t < 0 || t >= numTeacher) {
      throw new AlignmentError(op, 'pairs', `[${i}] teacher layer ${t} is outside [0, ${numTeacher - 1}]`);
    }
    const pair = { student: s, teacher: t };
    if (seen.has(pairKey(pair))) throw new AlignmentError(op, 'pairs', `[${i}] repeats ${pairKey(pair)}`);
    seen.add(pairKey(pair));
    return pair;
  });
}

/**
 * Uniform spread: student layer i (0-based) matches teacher layer round((i + 1) * T / S) - 1, so the
 * last layers meet (4 student, 12 teacher layers → s0->t2, s1->t5, s2->t8, s3->t11). Needs S <= T.
 */
export function uniformLayerMap(numStudent: number, numTeacher: number): LayerPair[] {
  const op = 'uniformLayerMap';
  assertInt(op, 'numStudent', numStudent, 1);
  assertInt(op, 'numTeacher', numTeacher, 1);
  if (numStudent > numTeacher) {
    throw new AlignmentError(op, 'numStudent', `(${numStudent}) must not exceed numTeacher (${numTeacher}); use explicitLayerMap`);
  }
  return Array.from({ length: numStudent }, (_, i) => ({ student: i, teacher: Math.round(((i + 1) * numTeacher) / numStudent) - 1 }));
}

/** Last k: the student's last k layers match the teacher's last k layers one to one, in order. */
export function lastKLayerMap(numStudent: number, numTeacher: number, k: number): LayerPair[] {
  const op = 'lastKLayerMap';
  assertInt(op, 'numStudent', numStudent, 1);
  assertInt(op, 'numTeacher', numTeacher, 1);
  assertInt(op, 'k', k, 1);
  if (k > numStudent || k > numTeacher) {
    throw new AlignmentError(op, 'k', `(${k}) must not exceed numStudent (${numStudent}) or numTeacher (${numTeacher})`);
  }
  return Array.from({ length: k }, (_, i) => ({ student: numStudent - k + i, teacher: numTeacher - k + i }));
}
