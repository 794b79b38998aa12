#!/usr/bin/python3
"""Writes test/golden/durations.json: sample counts of the test-other fixture FLACs from sox (`soxi -s`)."""
import glob
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SUBSET = os.path.join(HERE, '..', '..', 'fixtures', 'librispeech-sample', 'LibriSpeech', 'test-other')
counts = {}
for f in sorted(glob.glob(os.path.join(SUBSET, '*', '*', '*.flac'))):
    counts[os.path.basename(f)[:-5]] = int(subprocess.check_output(['soxi', '-s', f]).strip())
with open(os.path.join(HERE, '..', 'test', 'golden', 'durations.json'), 'w') as out:
    json.dump(counts, out, indent=1)
print(len(counts), 'files')
