import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the released models (this package's root, from src/ or dist/). */
export const MODELS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The models the main job uses by default. */
export const RELEASED = Object.freeze({
  /** Speech teacher (teacher-s4 trained on the synthetic `small` corpus, seed 1). */
  speechTeacher: 'teacher-s4-synth-small',
  /** Text tower (tiny BERT-style masked LM on the Brown corpus). */
  textTower: 'text-tower-tiny-brown',
});

/** What a released folder holds. */
export type ReleaseKind = 'speech-teacher' | 'text-tower';

/** WER/CER of a release on a set, greedy and with the character LM. */
export interface ReleaseMetrics {
  utterances: number;
  greedy: { wer: number; cer: number };
  lm: { wer: number; cer: number; order: number; weight: number; bonus: number; beamSize: number } | null;
}

/** `release.json` of a released folder (the model card, README.md, is rendered from it). */
export interface ReleaseInfo {
  format: 'speechkd-release';
  version: 1;
  name: string;
  kind: ReleaseKind;
  /** Architecture: preset name, parameter count and the full config. */
  model: { preset: string; params: number; config: Record<string, unknown> };
  /** Weight files (relative to the folder) with their sha256. */
  files: Array<{ path: string; sha256: string; bytes: number; precision: string }>;
  /** The data the model saw and what was held out. */
  data: Record<string, unknown> & { corpus?: string; seed?: number };
  /** Steps, schedule, the command that reproduces it from scratch and the commit it was trained at. */
  training: { steps: number; schedule: string; command: string; commit: string; trainedAt: string; seconds: number | null };
  /** Speech teachers: synthetic dev and test WER/CER of the released weights. */
  metrics?: { dev: ReleaseMetrics; test: ReleaseMetrics };
  /** Text towers: validation MLM loss. */
  validationLoss?: number;
  /**
   * A few held-out utterances shipped in `check/` with the released model's transcripts: a test reproduces
   * them (speech teachers), or sentences with the hidden-state checksum (text towers).
   */
  check: Record<string, unknown>;
  license: string;
}

/** A released folder that is missing, incomplete or does not match its fingerprint. */
export class ReleaseError extends Error {
  override name = 'ReleaseError';
}

/** The folder of a released model by name (`teacher-s4-synth-small`), or `nameOrPath` itself when it is a folder path. */
export function releasedModelDir(nameOrPath: string): string {
  const named = path.join(MODELS_ROOT, nameOrPath);
  if (/^[\w.-]+$/.test(nameOrPath) && fs.existsSync(path.join(named, 'release.json'))) return named;
  return path.resolve(nameOrPath);
}

/** sha256 (hex) of a file. */
export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Reads a folder's `release.json` (null when it has none: an exported or trained folder, not a release);
 * with `verify`, checks every listed file's sha256 and throws a ReleaseError naming the first that differs.
 */
export function readRelease(dir: string, verify = false): ReleaseInfo | null {
  const file = path.join(dir, 'release.json');
  if (!fs.existsSync(file)) return null;
  let info: ReleaseInfo;
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8')) as ReleaseInfo;
  } catch (err) {
    throw new ReleaseError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (info.format !== 'speechkd-release' || info.version !== 1) throw new ReleaseError(`${file}: format ${String(info.format)} v${String(info.version)}, expected speechkd-release v1`);
  if (verify) {
    for (const f of info.files) {
      const p = path.join(dir, f.path);
      if (!fs.existsSync(p)) throw new ReleaseError(`${p}: missing (listed in ${file})`);
      const sum = sha256File(p);
      if (sum !== f.sha256) throw new ReleaseError(`${p}: sha256 ${sum.slice(0, 16)}... differs from ${f.sha256.slice(0, 16)}... in release.json; the file is corrupt or was changed`);
    }
  }
  return info;
}
