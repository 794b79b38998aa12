import fs from 'node:fs';
import { isHubId } from '@speechkd/onnx-graph/hub';
import type { HubProgress } from '@speechkd/onnx-graph/hub';
import type { ModelDtype } from '@speechkd/onnx-graph';
import { loadOnnxTextTeacher } from '@speechkd/text-encoders';
import { TeacherLoadError } from '../errors.js';
import { loadOnnxSpeechTeacher } from '../onnx/onnx-speech-teacher.js';
import type { CacheTextTeacher, SpeechTeacher } from '../speech-teacher.js';
import { textTeacherForCache } from '../text-adapter.js';
import { loadInProjectSpeechTeacher } from '../in-project/load-in-project-teacher.js';
import { loadInProjectTextTeacher } from '../in-project/load-text-tower.js';

/** Where a `--*-teacher` flag points: an ONNX export folder, a hub id (ONNX, into the HF cache), or an in-project checkpoint. */
export interface TeacherSpec {
  kind: 'onnx' | 'hub' | 'in-project';
  /** Folder, or `owner/name` for hub ids. */
  source: string;
}

/**
 * Parses a `--*-teacher` flag: `onnx:DIR` (ONNX export folder), `hf:owner/name` or a bare `owner/name` that
 * is not a local path (hub id of an ONNX export, e.g. `Xenova/wav2vec2-base-960h`; also `onnx:owner/name`),
 * else an in-project checkpoint folder.
 */
export function parseTeacherSpec(flag: string, value: string): TeacherSpec {
  const onnx = value.startsWith('onnx:');
  const hf = value.startsWith('hf:');
  const source = onnx ? value.slice(5) : hf ? value.slice(3) : value;
  if (!source) throw new TeacherLoadError(`${flag} "${value}": give a folder or a hub id (DIR, onnx:DIR, owner/name or hf:owner/name)`);
  if (!hf && fs.existsSync(source)) return { kind: onnx ? 'onnx' : 'in-project', source };
  if (isHubId(source)) return { kind: 'hub', source };
  throw new TeacherLoadError(`${flag} ${source}: no such folder, and not a hub id (owner/name)`);
}

/** How to load an ONNX teacher: variant, hub revision, threads, download progress. */
export interface TeacherLoadOptions {
  threads?: number;
  /** transformers.js variant (fp32, fp16, q8, ...). */
  modelDtype?: ModelDtype;
  /** Hub revision for hub ids. */
  revision?: string;
  onProgress?: (p: HubProgress) => void;
  onNotice?: (line: string) => void;
  /** Engine of an in-project speech teacher (default tfjs; onnx runs its exported graph in onnxruntime with `threads`). */
  inProjectEngine?: 'tfjs' | 'onnx';
}

/** Loads the speech teacher named by `--speech-teacher`. */
export async function loadSpeechTeacherFlag(value: string, options: TeacherLoadOptions = {}): Promise<SpeechTeacher> {
  const spec = parseTeacherSpec('--speech-teacher', value);
  if (spec.kind === 'in-project') return loadInProjectSpeechTeacher(spec.source, { engine: options.inProjectEngine, threads: options.threads });
  const { inProjectEngine: _, ...onnx } = options;
  return loadOnnxSpeechTeacher(spec.source, { ...onnx, allowRemote: spec.kind === 'hub' });
}

/** Loads the text teacher named by `--text-teacher`. */
export async function loadTextTeacherFlag(value: string, options: TeacherLoadOptions = {}): Promise<CacheTextTeacher> {
  const spec = parseTeacherSpec('--text-teacher', value);
  if (spec.kind === 'in-project') return loadInProjectTextTeacher(spec.source);
  return textTeacherForCache(await loadOnnxTextTeacher(spec.source, { ...options, allowRemote: spec.kind === 'hub' }));
}
