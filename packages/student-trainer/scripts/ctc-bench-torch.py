#!/usr/bin/python3
"""PyTorch CPU side of the CTC benchmark (called by src/bench/ctc-bench.ts).

Reads {batch, time, vocab, maxLabelLength, logits, labels, logitLengths, labelLengths, repeats} as JSON on
stdin; times log_softmax + ctc_loss(reduction='mean') + backward on one thread; prints JSON timings, the last gradient and a float64 reference gradient on stdout.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def main():
    torch.set_num_threads(1)
    spec = json.load(sys.stdin)
    b, t, v = spec['batch'], spec['time'], spec['vocab']
    logits = torch.tensor(spec['logits'], dtype=torch.float32).reshape(b, t, v)
    labels = torch.tensor(spec['labels'], dtype=torch.long).reshape(b, spec['maxLabelLength'])
    il = torch.tensor(spec['logitLengths'], dtype=torch.long)
    tl = torch.tensor(spec['labelLengths'], dtype=torch.long)
    times, fwd_times, cpu_times = [], [], []
    loss_value = None
    for _ in range(spec['repeats']):
        x = logits.clone().requires_grad_(True)
        c0 = time.process_time()
        t0 = time.perf_counter()
        loss = F.ctc_loss(F.log_softmax(x, dim=-1).transpose(0, 1), labels, il, tl, reduction='mean')
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        cpu_times.append((time.process_time() - c0) * 1e3)
        fwd_times.append((t1 - t0) * 1e3)
        times.append((t2 - t0) * 1e3)
        loss_value = float(loss)
    # Float64 reference of the same gradient, to show how much of any difference is float32 rounding.
    x64 = logits.double().requires_grad_(True)
    F.ctc_loss(F.log_softmax(x64, dim=-1).transpose(0, 1), labels, il, tl, reduction='mean').backward()
    times.sort()
    fwd_times.sort()
    cpu_times.sort()
    json.dump({
        'torch': torch.__version__, 'threads': torch.get_num_threads(), 'loss': loss_value,
        'bestMs': times[0], 'medianMs': times[len(times) // 2],
        'cpuBestMs': cpu_times[0], 'cpuMedianMs': cpu_times[len(cpu_times) // 2],
        'forwardBestMs': fwd_times[0], 'forwardMedianMs': fwd_times[len(fwd_times) // 2],
        'grad': x.grad.reshape(-1).tolist(),
        'grad64': x64.grad.reshape(-1).tolist(),
    }, sys.stdout)


if __name__ == '__main__':
    main()
