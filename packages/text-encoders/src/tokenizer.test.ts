import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BERT_BASE_UNCASED_DIR, loadTokenizer, TokenizerError } from './index.js';

describe('loadTokenizer (bundled bert-base-uncased)', () => {
  it('tokenizes to the known BERT ids', async () => {
    const tok = await loadTokenizer();
    expect(tok.vocabSize).toBe(30522);
    expect(tok.encode('hello world')).toEqual([101, 7592, 2088, 102]);
    expect(tok.encode("HELLO WORLD IT'S")).toEqual([101, 7592, 2088, 2009, 1005, 1055, 102]);
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 100, 101, 102, 103]);
    expect(tok.idsToTokens([101, 7592, 102])).toEqual(['[CLS]', 'hello', '[SEP]']);
  });

  it('pads a batch to the longest text with mask 0 and truncates to maxLength', async () => {
    const tok = await loadTokenizer();
    const b = tok.encodeBatch(['hello world', 'the quick brown fox jumps'], { maxLength: 6 });
    expect([b.batch, b.tokens]).toEqual([2, 6]);
    expect(Array.from(b.ids.subarray(0, 6))).toEqual([101, 7592, 2088, 102, 0, 0]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(b.ids[11]).toBe(102);
  });

  it('loads from any folder name (one ending in "-" is not a valid hub id)', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'tok-')), 'model-');
    await mkdir(dir);
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) await copyFile(join(BERT_BASE_UNCASED_DIR, f), join(dir, f));
    expect((await loadTokenizer(dir)).encode('hello')).toEqual([101, 7592, 102]);
  });

  it('throws TokenizerError naming the folder when it is missing or incomplete', async () => {
    await expect(loadTokenizer('/nonexistent/tok')).rejects.toThrow(/tokenizer directory \/nonexistent\/tok does not exist/);
    const dir = await mkdtemp(join(tmpdir(), 'tok-'));
    await writeFile(join(dir, 'tokenizer_config.json'), '{}');
    await expect(loadTokenizer(dir)).rejects.toThrow(TokenizerError);
    await expect(loadTokenizer(dir)).rejects.toThrow(/lacks tokenizer\.json/);
  });
});
