import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { TokenizerError } from './errors.js';

/** The bundled bert-base-uncased WordPiece tokenizer files (30,522-token vocabulary, Apache-2.0). */
export const BERT_BASE_UNCASED_DIR: string = fileURLToPath(new URL('../assets/bert-base-uncased', import.meta.url));

/** Files `@huggingface/transformers` needs to build a tokenizer offline. */
export const TOKENIZER_FILES: readonly string[] = ['tokenizer.json', 'tokenizer_config.json'];

/** A padded batch of token ids, row-major `[batch, tokens]`. */
export interface TokenBatch {
  /** Token ids `[batch * tokens]`, padded with the pad id (0 for BERT). */
  ids: Int32Array;
  /** 1 for real tokens, 0 for padding, `[batch * tokens]`. */
  mask: Int32Array;
  /** Segment ids `[batch * tokens]` (all 0 for single sentences). */
  typeIds: Int32Array;
  batch: number;
  tokens: number;
}

/** Tokenization options. */
export interface TokenizeOptions {
  /** Truncate to at most this many tokens including [CLS]/[SEP] (default 128). */
  maxLength?: number;
}

/** A WordPiece tokenizer loaded from local files. */
export interface WordPieceTokenizer {
  /** Directory the files came from. */
  readonly dir: string;
  readonly vocabSize: number;
  /** Special token ids. */
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  /** Ids of one text including [CLS] and [SEP]. */
  encode(text: string, options?: TokenizeOptions): number[];
  /** Padded batch (padding to the longest text). */
  encodeBatch(texts: readonly string[], options?: TokenizeOptions): TokenBatch;
  /** Token strings of ids. */
  idsToTokens(ids: readonly number[]): string[];
}

type HfTokenizer = Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;

function checkDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TokenizerError(`tokenizer directory ${dir} does not exist; pass a folder holding ${TOKENIZER_FILES.join(' and ')}`);
  }
  const missing = TOKENIZER_FILES.filter((f) => !existsSync(resolve(dir, f)));
  if (missing.length > 0) {
    throw new TokenizerError(`tokenizer directory ${dir} lacks ${missing.join(', ')}; copy the tokenizer files of the checkpoint there (e.g. from the model's Hub page)`);
  }
}

/**
 * Loads a WordPiece (or any `tokenizer.json`) tokenizer from a local folder with remote downloads
 * disabled; default: the bundled bert-base-uncased files. A missing or incomplete folder throws a
 * `TokenizerError` naming it (the library itself fails with an obscure TypeError there).
 */
export async function loadTokenizer(dir: string = BERT_BASE_UNCASED_DIR): Promise<WordPieceTokenizer> {
  const abs = resolve(dir);
  checkDir(abs);
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels };
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  let tok: HfTokenizer;
  try {
    // An absolute path is never a valid hub id, so the library reads `<abs>/tokenizer.json` directly
    // (a folder name ending in "-" would otherwise be misread relative to the working directory).
    tok = await AutoTokenizer.from_pretrained(abs, { local_files_only: true });
  } catch (err) {
    throw new TokenizerError(`cannot load the tokenizer in ${abs}: ${(err as Error).message}; check that tokenizer.json and tokenizer_config.json are valid`);
  } finally {
    Object.assign(env, saved);
  }
  const vocab = tok.get_vocab();
  const inverse: string[] = [];
  for (const [token, i] of vocab) inverse[i] = token;
  const id = (token: string): number => {
    const v = vocab.get(token);
    if (v === undefined) throw new TokenizerError(`tokenizer in ${abs} has no ${token} token; a BERT-style (WordPiece) tokenizer is required`);
    return v;
  };
  const specials = { padId: id('[PAD]'), unkId: id('[UNK]'), clsId: id('[CLS]'), sepId: id('[SEP]'), maskId: id('[MASK]') };
  // Truncation and padding are done here: the library's truncation drops the final [SEP].
  const encodeOne = (text: string, maxLength: number): number[] => {
    const ids = tok.encode(text);
    if (maxLength < 2) throw new TokenizerError(`maxLength ${maxLength} is too small; [CLS] and [SEP] need 2 tokens`);
    return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), specials.sepId];
  };
  const encodeBatch = (texts: readonly string[], options: TokenizeOptions = {}): TokenBatch => {
    if (texts.length === 0) throw new TokenizerError('encodeBatch: texts is empty; pass at least one text');
    const rows = texts.map((t) => encodeOne(t, options.maxLength ?? 128));
    const tokens = Math.max(...rows.map((r) => r.length));
    const ids = new Int32Array(rows.length * tokens).fill(specials.padId);
    const mask = new Int32Array(rows.length * tokens);
    rows.forEach((r, b) => {
      ids.set(r, b * tokens);
      mask.fill(1, b * tokens, b * tokens + r.length);
    });
    return { ids, mask, typeIds: new Int32Array(ids.length), batch: rows.length, tokens };
  };
  return {
    dir: abs,
    vocabSize: inverse.length,
    ...specials,
    encode: (text, options) => encodeOne(text, options?.maxLength ?? 128),
    encodeBatch,
    idsToTokens: (ids) => ids.map((i) => inverse[i] ?? '[UNK]'),
  };
}
