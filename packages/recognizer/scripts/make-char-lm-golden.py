#!/usr/bin/python3
"""Golden values for CharNgramLm: NLTK's KneserNeyInterpolated on characters.

Run: /usr/bin/python3 packages/recognizer/scripts/make-char-lm-golden.py   (Debian: apt-get install python3-nltk)
Writes packages/recognizer/test/golden/char-lm-nltk.json. The model trains on the transcripts of the
bundled LibriSpeech sample's test-other and dev-clean utterances (CC BY 4.0, see datasets/fixtures) as
character sequences, space included, each padded with order-1 '<s>' and '</s>' as nltk.lm's
padded_everygram_pipeline does; the queries are every position (sentence end included) of the test-clean
transcripts, whose contexts are partly unseen, and a symbol the training text never holds.
"""
import glob
import json
import math
import os

from nltk.lm import KneserNeyInterpolated
from nltk.lm.preprocessing import padded_everygram_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..', 'datasets', 'fixtures', 'librispeech-sample', 'LibriSpeech')
OUT = os.path.join(HERE, '..', 'test', 'golden', 'char-lm-nltk.json')


def transcripts(subsets):
    out = []
    for s in subsets:
        for f in sorted(glob.glob(os.path.join(ROOT, s, '*', '*', '*.trans.txt'))):
            with open(f) as fh:
                out += [line.split(' ', 1)[1].strip() for line in fh if line.strip()]
    return out


def main():
    train = transcripts(['test-other', 'dev-clean'])
    held = transcripts(['test-clean'])
    cases = []
    for order, discount in [(2, 0.75), (3, 0.1), (5, 0.75), (6, 0.5), (8, 0.75)]:
        grams, vocab = padded_everygram_pipeline(order, [list(s) for s in train])
        lm = KneserNeyInterpolated(order, discount=discount)
        lm.fit(grams, vocab)
        queries = []
        for s in held + ['QZX']:
            padded = ['<s>'] * (order - 1) + list(s) + ['</s>']
            for i in range(order - 1, len(padded)):
                p = lm.score(padded[i], padded[i - order + 1:i])
                queries.append({'prefix': s[:i - order + 1], 'next': padded[i], 'logProb': math.log(p) if p > 0 else None})
        cases.append({'order': order, 'discount': discount, 'queries': queries})
        print(f'order {order} discount {discount}: {len(queries)} queries')
    with open(OUT, 'w') as fh:
        json.dump({'source': 'nltk.lm.KneserNeyInterpolated (NLTK 3.8, Debian python3-nltk)', 'train': train, 'cases': cases}, fh)
        fh.write('\n')


if __name__ == '__main__':
    main()
