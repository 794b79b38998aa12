#!/usr/bin/python3
"""Golden values for ctcLoss: loss and gradient w.r.t. the logits from torch.nn.functional.ctc_loss.

Run: /usr/bin/python3 packages/student-trainer/scripts/make-ctc-golden.py
Writes packages/student-trainer/test/golden/ctc-golden.json. Inputs are rounded to 4 decimals and stored as
float32, and PyTorch computes in float64 from exactly those float32 values, so the reference is the exact answer.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'golden', 'ctc-golden.json')


def num(x):
    """JSON-safe number: Infinity and NaN become strings."""
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return float('%.9g' % x)


def make_case(name, gen, batch, time, vocab, logit_lengths, label_lengths, blank=0, scale=1.0,
              labels=None, zero_infinity=False, max_label_length=None):
    max_len = max_label_length if max_label_length is not None else max(max(label_lengths), 1)
    logits = (torch.randn(batch, time, vocab, generator=gen, dtype=torch.float64) * scale)
    logits = torch.round(logits * 1e4) / 1e4
    logits = logits.float().double()  # exactly representable in float32
    if labels is None:
        # Labels drawn from the non-blank classes; padding filled with -1 and random junk to show it is ignored.
        non_blank = [c for c in range(vocab) if c != blank]
        idx = torch.randint(0, len(non_blank), (batch, max_len), generator=gen)
        labels = torch.tensor(non_blank)[idx]
        for b in range(batch):
            labels[b, label_lengths[b]:] = -1 if b % 2 == 0 else blank
    else:
        labels = torch.tensor(labels, dtype=torch.long)
    il = torch.tensor(logit_lengths, dtype=torch.long)
    tl = torch.tensor(label_lengths, dtype=torch.long)
    upstream = torch.round(torch.rand(batch, generator=gen, dtype=torch.float64) * 1e3 + 500) / 1e3
    results = {}
    for reduction in ('none', 'mean', 'sum'):
        x = logits.clone().requires_grad_(True)
        lp = F.log_softmax(x, dim=-1).transpose(0, 1)
        # PyTorch reads padding it should ignore; give it a valid index there.
        safe = labels.clamp(min=0)
        safe = torch.where(safe == blank, torch.full_like(safe, (blank + 1) % vocab), safe)
        loss = F.ctc_loss(lp, safe, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_infinity)
        objective = (loss * upstream).sum() if reduction == 'none' else loss
        objective.backward()
        results[reduction] = {
            'loss': [num(v) for v in loss.reshape(-1).tolist()],
            'grad': [num(v) for v in x.grad.reshape(-1).tolist()],
        }
    return {
        'name': name, 'blank': blank, 'zeroInfinity': zero_infinity,
        'batch': batch, 'time': time, 'vocab': vocab, 'maxLabelLength': max_len,
        'logits': [float(v) for v in logits.reshape(-1).float().tolist()],
        'labels': [int(v) for v in labels.reshape(-1).tolist()],
        'logitLengths': list(logit_lengths), 'labelLengths': list(label_lengths),
        'upstream': [float(v) for v in upstream.tolist()],
        'results': results,
    }


def main():
    gen = torch.Generator().manual_seed(20261127)
    cases = [
        make_case('uneven lengths', gen, 3, 12, 6, [12, 9, 7], [4, 2, 3]),
        make_case('repeated labels', gen, 2, 15, 5, [15, 11], [6, 4],
                  labels=[[1, 1, 2, 2, 2, 3], [4, 4, 4, 4, 0, 0]]),
        make_case('tight repeats (exactly enough frames)', gen, 2, 7, 4, [7, 5], [4, 3],
                  labels=[[1, 1, 2, 2], [3, 3, 3, 0]]),
        make_case('blank last', gen, 3, 10, 5, [10, 10, 6], [3, 5, 2], blank=4),
        make_case('blank in the middle', gen, 2, 9, 5, [9, 8], [3, 2], blank=2),
        make_case('empty labels', gen, 2, 6, 4, [6, 3], [0, 2]),
        make_case('impossible', gen, 2, 4, 5, [3, 4], [4, 2], labels=[[1, 1, 2, 2], [3, 1, 0, 0]]),
        make_case('impossible with zeroInfinity', gen, 2, 4, 5, [3, 4], [4, 2],
                  labels=[[1, 1, 2, 2], [3, 1, 0, 0]], zero_infinity=True),
        make_case('peaky logits', gen, 2, 20, 6, [20, 17], [5, 6], scale=25.0),
        make_case('character-sized', gen, 3, 40, 29, [40, 33, 21], [14, 10, 7]),
    ]
    doc = {
        'generator': 'packages/student-trainer/scripts/make-ctc-golden.py',
        'torch': torch.__version__,
        'note': 'losses/gradients per reduction; reduction none differentiates sum(loss * upstream)',
        'cases': cases,
    }
    tmp = OUT + '.tmp-%d' % os.getpid()
    with open(tmp, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
    os.replace(tmp, OUT)
    print('wrote %s (%d bytes)' % (OUT, os.path.getsize(OUT)))


if __name__ == '__main__':
    main()
