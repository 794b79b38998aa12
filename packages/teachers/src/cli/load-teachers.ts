import fs from 'node:fs';
import { loadOnnxTextTeacher } from '@speechkd/text-encoders';
import { TeacherLoadError } from '../errors.js';
import { loadOnnxSpeechTeacher } from '../onnx/onnx-speech-teacher.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { textTeacherForCache } from '../text-adapter.js';
import { loadInProjectSpeechTeacher } from '../in-project/load-in-project-teacher.js';
import { loadInProjectTextTeacher } from '../in-project/load-text-tower.js';

/** A `--*-teacher` flag value: `onnx:DIR` for an ONNX export, else an in-project checkpoint directory. */
export function parseTeacherSpec(flag: string, value: string): { kind: 'onnx' | 'in-project'; dir: string } {
  const onnx = value.startsWith('onnx:');
  const dir = onnx ? value.slice(5) : value;
  if (!dir) throw new TeacherLoadError(`${flag} "${value}": give a directory (DIR or onnx:DIR)`);
  if (!fs.existsSync(dir)) throw new TeacherLoadError(`${flag} ${dir}: no such directory`);
  return { kind: onnx ? 'onnx' : 'in-project', dir };
}

/** Loads the speech teacher named by `--speech-teacher`. */
export async function loadSpeechTeacherFlag(value: string, threads?: number): Promise<SpeechTeacher> {
  const spec = parseTeacherSpec('--speech-teacher', value);
  return spec.kind === 'onnx' ? loadOnnxSpeechTeacher(spec.dir, { threads }) : loadInProjectSpeechTeacher(spec.dir);
}

/** Loads the text teacher named by `--text-teacher`. */
export async function loadTextTeacherFlag(value: string, threads?: number): Promise<CacheTextTeacher> {
  const spec = parseTeacherSpec('--text-teacher', value);
  if (spec.kind === 'onnx') return textTeacherForCache(await loadOnnxTextTeacher(spec.dir, { threads }));
  return loadInProjectTextTeacher(spec.dir);
}
