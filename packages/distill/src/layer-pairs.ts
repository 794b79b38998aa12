import type { LayerPair } from '@speechkd/alignment';
import { DistillConfigError } from './distill-config.js';

/**
 * Student→teacher layer pairs from a spec: `uniform` spreads the cached teacher layers over the
 * student's blocks (block i = hiddenStates[i], 1-based; 0 is the subsampling output), `last-K` pairs
 * the last K of each, `s:t,s:t` is explicit. Teacher numbers are the cached layer numbers.
 */
export function resolveLayerPairs(spec: string, numStudentBlocks: number, cachedTeacherLayers: readonly number[]): LayerPair[] {
  const teacher = [...cachedTeacherLayers].sort((a, b) => a - b);
  if (teacher.length === 0) throw new DistillConfigError('speechLayers: the teacher cache holds no speech layers; rebuild it with --layers');
  if (spec === 'uniform') {
    return teacher.map((t, j) => ({ student: Math.max(1, Math.round(((j + 1) * numStudentBlocks) / teacher.length)), teacher: t }));
  }
  const lastK = /^last-(\d+)$/.exec(spec);
  if (lastK) {
    const k = Number(lastK[1]);
    if (k < 1 || k > teacher.length || k > numStudentBlocks) {
      throw new DistillConfigError(`speechLayers: "${spec}" needs 1 <= K <= min(${numStudentBlocks} student blocks, ${teacher.length} cached teacher layers)`);
    }
    return Array.from({ length: k }, (_, i) => ({ student: numStudentBlocks - k + 1 + i, teacher: teacher[teacher.length - k + i] }));
  }
  const pairs = spec.split(',').map((p) => {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(p);
    if (!m) throw new DistillConfigError(`speechLayers: "${p}" is not "student:teacher"; use uniform, last-K or pairs like 3:6,6:8`);
    const pair = { student: Number(m[1]), teacher: Number(m[2]) };
    if (pair.student > numStudentBlocks) throw new DistillConfigError(`speechLayers: student layer ${pair.student} > ${numStudentBlocks} blocks`);
    if (!teacher.includes(pair.teacher)) throw new DistillConfigError(`speechLayers: teacher layer ${pair.teacher} is not cached (cached: ${teacher.join(', ')})`);
    return pair;
  });
  return pairs;
}
