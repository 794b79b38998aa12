#!/usr/bin/python3
"""Builds the sclite cross-check data and goldens for packages/wer/test (run with /usr/bin/python3).

1. realistic: the 25 real LibriSpeech fixture references, each with 4 seeded synthetic hypothesis
   corruptions (substitutions from the fixture vocabulary, deletions, insertions, an empty or a
   missing-word hypothesis) -> test/golden/realistic.{ref,hyp}.trn
2. weighting: constructed inputs where sclite's weighted alignment (sub 4, ins/del 3) counts one
   more error than the unit-cost minimum -> test/golden/weighting.{ref,hyp}.trn
Then runs `sctk sclite ... -o pralign` on both and stores sclite's per-utterance C/S/D/I counts in
test/golden/sclite.json, so the test compares against sclite without sclite installed.
"""
import glob
import json
import os
import random
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
SAMPLE = os.path.join(ROOT, 'datasets', 'fixtures', 'librispeech-sample', 'LibriSpeech')
GOLDEN = os.path.join(HERE, '..', 'test', 'golden')


def read_refs():
    refs = []
    for f in sorted(glob.glob(os.path.join(SAMPLE, '*', '*', '*', '*.trans.txt'))):
        for line in open(f, encoding='utf-8'):
            parts = line.split(None, 1)
            if parts:
                refs.append((parts[0], parts[1].strip() if len(parts) > 1 else ''))
    return refs


def corrupt(words, vocab, rate, rng):
    out = []
    for w in words:
        r = rng.random()
        if r < rate / 3:
            out.append(rng.choice(vocab))          # substitution
        elif r < 2 * rate / 3:
            pass                                   # deletion
        elif r < rate:
            out.extend([w, rng.choice(vocab)])     # insertion after the word
        else:
            out.append(w)
    return out


def write_trn(path, items):
    with open(path, 'w', encoding='utf-8') as f:
        for uid, text in items:
            f.write(f'{text} ({uid})\n' if text else f'({uid})\n')


def sclite_counts(ref, hyp):
    proc = subprocess.run(['sctk', 'sclite', '-r', ref, 'trn', '-h', hyp, 'trn', '-i', 'spu_id', '-o', 'pralign', 'stdout'],
                          capture_output=True, text=True, check=True)
    counts = {}
    uid = None
    for line in proc.stdout.splitlines():
        m = re.match(r'^id: \((.*)\)$', line)
        if m:
            uid = m.group(1)
        m = re.match(r'^Scores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)$', line)
        if m:
            counts[uid] = [int(x) for x in m.groups()]
    return counts


def main():
    rng = random.Random(20240611)
    refs = read_refs()
    vocab = sorted({w for _, t in refs for w in t.split()})
    ref_items, hyp_items = [], []
    for uid, text in refs:
        words = text.split()
        for k, rate in enumerate([0.03, 0.1, 0.2, 0.3]):
            vid = f'{uid}v{k}'
            ref_items.append((vid, text))
            hyp = corrupt(words, vocab, rate, rng)
            if k == 3 and rng.random() < 0.2:
                hyp = []                            # an occasional empty hypothesis
            hyp_items.append((vid, ' '.join(hyp)))
    write_trn(os.path.join(GOLDEN, 'realistic.ref.trn'), ref_items)
    write_trn(os.path.join(GOLDEN, 'realistic.hyp.trn'), hyp_items)

    # Found by an exhaustive search over 3-letter alphabets: unit cost prefers all substitutions,
    # sclite's 4/3/3 weights prefer deleting and inserting around a matched block (one more error).
    A, B, C = 'OH', 'YES', 'NO'
    cases = [
        ([A, A, A, B, B], [B, B, C, C, A]),
        ([C, C, A, A, B], [B, B, B, C, C]),
        ([A, A, C, C, C, C, C], [B, B, B, A, A]),
        ([A, A, A, C, C], [C, C, B, B, B, A]),
        (['THE', 'THE', 'THE', 'CAT', 'CAT'], ['CAT', 'CAT', 'A', 'A', 'THE']),
    ]
    write_trn(os.path.join(GOLDEN, 'weighting.ref.trn'), [(f'w-{i}', ' '.join(r)) for i, (r, _) in enumerate(cases)])
    write_trn(os.path.join(GOLDEN, 'weighting.hyp.trn'), [(f'w-{i}', ' '.join(h)) for i, (_, h) in enumerate(cases)])

    golden = {
        'command': 'sctk sclite -r REF trn -h HYP trn -i spu_id -o pralign stdout',
        'realistic': sclite_counts(os.path.join(GOLDEN, 'realistic.ref.trn'), os.path.join(GOLDEN, 'realistic.hyp.trn')),
        'weighting': sclite_counts(os.path.join(GOLDEN, 'weighting.ref.trn'), os.path.join(GOLDEN, 'weighting.hyp.trn')),
    }
    with open(os.path.join(GOLDEN, 'sclite.json'), 'w') as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write('\n')
    print('utterances', len(golden['realistic']), len(golden['weighting']))


if __name__ == '__main__':
    main()
