import { createHash } from 'node:crypto';

/** sha256 hex of bytes or text. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Fingerprint of weights + tokenizer + config: sha256 over their hashes and the canonical config JSON. */
export function fingerprintOf(kind: string, weightsSha: string, tokenizerSha: string, config: Record<string, unknown>): string {
  const keys = Object.keys(config).sort();
  const canonical = JSON.stringify(config, keys);
  return `${kind}:${sha256(`${weightsSha}\n${tokenizerSha}\n${canonical}`).slice(0, 32)}`;
}
