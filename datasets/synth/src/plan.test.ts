import { describe, expect, it } from 'vitest';
import { loadBrownDocuments } from './brown.js';
import { buildPlan } from './plan.js';
import { getPreset, PRESETS, SUBSETS } from './presets.js';
import { voiceKey } from './speakers.js';
import { UnknownPresetError } from './errors.js';

const documents = loadBrownDocuments();

describe('buildPlan', () => {
  const tiny = buildPlan(getPreset('tiny'), { seed: 1, documents });

  it('tiny: about 300 utterances and at least 40 distinct speakers', () => {
    expect(tiny.utterances.length).toBe(300);
    expect(tiny.speakers.length).toBeGreaterThanOrEqual(40);
    expect(new Set(tiny.speakers.map(voiceKey)).size).toBe(tiny.speakers.length);
    expect(new Set(tiny.speakers.map((s) => s.engine))).toEqual(new Set(['espeak-ng', 'flite']));
  });

  it('is deterministic from the seed', () => {
    const again = buildPlan(getPreset('tiny'), { seed: 1, documents });
    expect(again).toEqual(tiny);
    const other = buildPlan(getPreset('tiny'), { seed: 2, documents });
    expect(other.utterances.map((u) => u.text)).not.toEqual(tiny.utterances.map((u) => u.text));
    expect(other.speakers.map(voiceKey)).not.toEqual(tiny.speakers.map(voiceKey));
  });

  it.each(Object.keys(PRESETS))('%s: disjoint speakers, documents and sentences across subsets', (name) => {
    const plan = name === 'tiny' ? tiny : buildPlan(getPreset(name), { seed: 7, documents });
    const bySubset = (s: string) => plan.utterances.filter((u) => u.subset === s);
    const speakers = SUBSETS.map((s) => new Set(bySubset(s).map((u) => u.speaker)));
    const texts = SUBSETS.map((s) => new Set(bySubset(s).map((u) => u.text)));
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        expect([...speakers[i]].filter((x) => speakers[j].has(x))).toEqual([]);
        expect([...texts[i]].filter((x) => texts[j].has(x))).toEqual([]);
        expect(plan.documents[SUBSETS[i]].filter((d) => plan.documents[SUBSETS[j]].includes(d))).toEqual([]);
      }
    }
    const p = getPreset(name);
    for (const s of SUBSETS) expect(bySubset(s).length).toBe(p.speakers[s] * p.uttsPerSpeaker[s]);
    // No sentence is read twice within a subset either at these sizes.
    for (const s of SUBSETS) expect(texts[SUBSETS.indexOf(s)].size).toBe(bySubset(s).length);
  });

  it('numbers speakers from firstSpeakerId, with the same voices as from 1001', () => {
    const shifted = buildPlan({ ...getPreset('tiny'), firstSpeakerId: 2001 }, { seed: 1, documents });
    expect(tiny.speakers[0].id).toBe('1001');
    expect(shifted.speakers.map((s) => Number(s.id))).toEqual(tiny.speakers.map((s) => Number(s.id) + 1000));
    expect(shifted.speakers.map(voiceKey)).toEqual(tiny.speakers.map(voiceKey));
    expect(shifted.utterances.map((u) => u.text)).toEqual(tiny.utterances.map((u) => u.text));
    expect(shifted.utterances[0].id).toBe('2001-20011-0000');
  });

  it('writes LibriSpeech-style ids and transcripts of 3-30 words', () => {
    for (const u of tiny.utterances) {
      expect(u.id).toMatch(new RegExp(`^${u.speaker}-${u.chapter}-\\d{4}$`));
      expect(u.text).toMatch(/^[A-Z']+( [A-Z']+){2,29}$/);
    }
  });

  it('draws augmentation only when asked, deterministically', () => {
    expect(tiny.utterances.every((u) => u.augment === null)).toBe(true);
    const a = buildPlan(getPreset('tiny'), { seed: 1, documents, augment: {} });
    const b = buildPlan(getPreset('tiny'), { seed: 1, documents, augment: {} });
    expect(a.utterances.map((u) => u.augment)).toEqual(b.utterances.map((u) => u.augment));
    const noisy = a.utterances.filter((u) => u.augment?.noise).length;
    expect(noisy).toBeGreaterThan(100);
    expect(noisy).toBeLessThan(200);
  });

  it('throws UnknownPresetError naming the valid presets', () => {
    expect(() => getPreset('huge')).toThrow(UnknownPresetError);
    expect(() => getPreset('huge')).toThrow(/tiny, small, full/);
  });
});
