import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBrownSentences, readExcludeSet, TextTowerError } from '../index.js';

describe('Brown corpus sentences', () => {
  it('are normalized, tag-free, digit-free; --exclude removes normalized matches', () => {
    const { sentences } = loadBrownSentences();
    expect(sentences.length).toBeGreaterThan(30000);
    expect(sentences[0]).toBe("THE FULTON COUNTY GRAND JURY SAID FRIDAY AN INVESTIGATION OF ATLANTA'S RECENT PRIMARY ELECTION PRODUCED NO EVIDENCE THAT ANY IRREGULARITIES TOOK PLACE");
    for (const s of sentences.slice(0, 2000)) expect(s).toMatch(/^[A-Z']+( [A-Z']+)*$/);
    const dir = mkdtempSync(join(tmpdir(), 'excl-'));
    const manifest = join(dir, 'test.jsonl');
    writeFileSync(manifest, [sentences[0], sentences[5]].map((text, i) => JSON.stringify({ id: `u${i}`, audio: 'a.wav', duration: 1, text: text.toLowerCase() })).join('\n') + '\n');
    const exclude = readExcludeSet([manifest]);
    const filtered = loadBrownSentences({ exclude });
    expect(filtered.excluded).toBeGreaterThanOrEqual(2);
    expect(filtered.sentences).not.toContain(sentences[0]);
    expect(filtered.sentences).not.toContain(sentences[5]);
    writeFileSync(join(dir, 'bad.jsonl'), '{"id": 1}\n');
    expect(() => readExcludeSet([join(dir, 'bad.jsonl')])).toThrow(TextTowerError);
  });
});
