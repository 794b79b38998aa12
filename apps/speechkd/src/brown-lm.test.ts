import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBrownSentences } from '@speechkd/text-encoders';
import { trainBrownLm } from './brown-lm.js';

describe('trainBrownLm', () => {
  it('leaves out every transcript of the excluded manifests and says how many', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speechkd-lm-'));
    try {
      const all = loadBrownSentences().sentences;
      const held = [all[10], all[2000]];
      const manifest = path.join(dir, 'held.jsonl');
      fs.writeFileSync(manifest, held.map((text, i) => JSON.stringify({ id: `1-1-000${i}`, audio: 'a.wav', duration: 1, speaker: '1', chapter: '1', text })).join('\n'));
      const lines: string[] = [];
      const lm = trainBrownLm(3, [manifest], manifest, (l) => lines.push(l));
      const excluded = all.filter((s) => held.includes(s)).length; // a sentence may occur more than once
      expect(excluded).toBeGreaterThanOrEqual(2);
      expect(lm.sentences).toBe(all.length - excluded);
      expect(lines[0]).toMatch(new RegExp(`character 3-gram LM: ${all.length - excluded} Brown sentences \\(${excluded} excluded: the transcripts of .*held\\.jsonl\\), perplexity [\\d.]+ per character on held\\.jsonl`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
