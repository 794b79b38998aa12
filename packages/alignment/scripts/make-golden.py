#!/usr/bin/env python3
"""Golden values for @speechkd/alignment, computed with PyTorch in float64 from float32 inputs.

Run: /usr/bin/python3 packages/alignment/scripts/make-golden.py
Writes packages/alignment/test/golden/golden.json (inputs and expected outputs), so tests need no Python.
Every formula here is written independently of the TypeScript code, from the papers' definitions.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
D = torch.float64


def rnd(*shape, scale=1.0):
    # float32-representable values, computed in float64
    return (torch.randn(*shape) * scale).float().double()


def mask_of(lengths, T):
    return (torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]).double()


def L(x):
    return x.tolist()


def masked_mean(v, m):
    return (v * m).sum() / m.sum().clamp(min=1)


def cos(a, b, eps=1e-8):
    na = a.pow(2).sum(-1).clamp(min=eps * eps).sqrt()
    nb = b.pow(2).sum(-1).clamp(min=eps * eps).sqrt()
    return (a * b).sum(-1) / (na * nb)


out = {}
B, T = 2, 5
lens = [5, 3]
m = mask_of(lens, T)

# 1. soft-target KD
C = 7
tl, sl = rnd(B, T, C, scale=2), rnd(B, T, C, scale=2)
kd = {}
for temp in (1.0, 3.0):
    p = F.softmax(tl / temp, -1)
    kl = (p * (F.log_softmax(tl / temp, -1) - F.log_softmax(sl / temp, -1))).sum(-1) * temp * temp
    kd[str(temp)] = {'mean': masked_mean(kl, m).item(), 'none': L(kl * m)}
probs = F.softmax(tl / 2, -1)
klp = (probs * (probs.log() - F.log_softmax(sl / 2, -1))).sum(-1) * 4
out['kd'] = {'teacher': L(tl), 'student': L(sl), 'mask': L(m), 'byT': kd,
             'teacherProbsT2': L(probs.float().double()),
             'fromProbsT2': masked_mean((probs.float().double() * (probs.float().double().log() - F.log_softmax(sl / 2, -1))).sum(-1) * 4, m).item()}

# 2. hidden-state losses
Dm = 6
th, sh = rnd(B, T, Dm), rnd(B, T, Dm)
c = cos(sh, th)
out['hidden'] = {
    'teacher': L(th), 'student': L(sh), 'mask': L(m),
    'l1': masked_mean((sh - th).abs().mean(-1), m).item(),
    'mse': masked_mean((sh - th).pow(2).mean(-1), m).item(),
    'cosine': masked_mean(1 - c, m).item(),
    'log-sigmoid-cosine': masked_mean(-F.logsigmoid(c), m).item(),
    'distilhubert': (masked_mean((sh - th).abs().mean(-1), m) + masked_mean(-F.logsigmoid(c), m)).item(),
    'itemwise_l1': (sh[:, 0] - th[:, 0]).abs().mean().item(),
}

# 3. layer matching with projectors (student width 4, teacher width 6)
ts = [rnd(B, T, 6) for _ in range(3)]
ss = [rnd(B, T, 4) for _ in range(2)]
projs = {'s0->t1': (rnd(4, 6, scale=0.5), rnd(6, scale=0.1)), 's1->t2': (rnd(4, 6, scale=0.5), rnd(6, scale=0.1))}
terms = {}
for key, (si, ti) in {'s0->t1': (0, 1), 's1->t2': (1, 2)}.items():
    w, b = projs[key]
    pred = ss[si] @ w + b
    terms[key] = masked_mean((pred - ts[ti]).abs().mean(-1), m).item()
out['layers'] = {'teacher': [L(x) for x in ts], 'student': [L(x) for x in ss], 'mask': L(m),
                 'projectors': {k: {'kernel': L(w), 'bias': L(b)} for k, (w, b) in projs.items()},
                 'terms': terms, 'total': sum(terms.values()) / len(terms)}

# 4. relational
gs, gt = rnd(B, T, 4), rnd(B, T, 6)


def gram(x):
    n = x / x.pow(2).sum(-1, keepdim=True).clamp(min=1e-16).sqrt()
    return n @ n.transpose(1, 2)


pm = m[:, :, None] * m[:, None, :]
out['gram'] = {'teacher': L(gt), 'student': L(gs), 'mask': L(m),
               'loss': ((gram(gs) - gram(gt)).pow(2) * pm).sum().item() / pm.sum().item()}

tA, tB, sA, sB = rnd(B, T, 3), rnd(B, T, 4), rnd(B, T, 3), rnd(B, T, 4)


def fsp(a, b):
    a = a * m[:, :, None]
    return (a.transpose(1, 2) @ b) / m.sum(1).clamp(min=1)[:, None, None]


fl = (fsp(sA, sB) - fsp(tA, tB)).pow(2).mean((1, 2))
out['fsp'] = {'teacherA': L(tA), 'teacherB': L(tB), 'studentA': L(sA), 'studentB': L(sB), 'mask': L(m),
              'loss': fl.mean().item(), 'none': L(fl)}


def attn(heads):
    sc = rnd(B, heads, T, T, scale=2)
    sc = sc.masked_fill(m[:, None, None, :] == 0, -1e9)
    return F.softmax(sc, -1).float().double()


ta, sa, ta3 = attn(2), attn(2), attn(3)
EPS = 1e-12


def at_kl(t, s):
    if t.shape[1] != s.shape[1]:
        t, s = t.mean(1, keepdim=True), s.mean(1, keepdim=True)
    per = (t * (t.clamp(min=EPS).log() - s.clamp(min=EPS).log()) * m[:, None, None, :]).sum(-1)
    qm = m[:, None, :].expand_as(per)
    return (per * qm).sum().item() / qm.sum().item()


qm2 = (m[:, None, :, None] * m[:, None, None, :]).expand(B, 2, T, T)
out['attention'] = {'teacher': L(ta), 'student': L(sa), 'teacher3': L(ta3), 'mask': L(m),
                    'kl': at_kl(ta, sa), 'kl_heads_differ': at_kl(ta3, sa),
                    'mse': ((ta - sa).pow(2) * qm2).sum().item() / qm2.sum().item()}

cx, cy = rnd(B, T, 4), rnd(B, T, 6)


def cka(x, y, mm):
    n = mm.sum()
    mu_x = (x * mm[:, None]).sum(0) / n
    mu_y = (y * mm[:, None]).sum(0) / n
    xc = (x - mu_x) * mm[:, None]
    yc = (y - mu_y) * mm[:, None]
    hxy = (yc.T @ xc).pow(2).sum()
    return (hxy / ((xc.T @ xc).pow(2).sum().sqrt() * (yc.T @ yc).pow(2).sum().sqrt())).item()


ck = [cka(cx[b], cy[b], m[b]) for b in range(B)]
out['cka'] = {'x': L(cx), 'y': L(cy), 'mask': L(m), 'cka': ck, 'loss': sum(1 - v for v in ck) / B}

# 5b. time resampling: per utterance, torch linear interpolation (align_corners=False) of the valid part
rx = rnd(B, 6, 3)
in_lens, out_lens, Tout = [6, 4], [3, 5], 5
res = torch.zeros(B, Tout, 3, dtype=D)
for b in range(B):
    seg = rx[b, :in_lens[b]].T[None]  # [1, dim, len]
    res[b, :out_lens[b]] = F.interpolate(seg, size=out_lens[b], mode='linear', align_corners=False)[0].T
out['resample'] = {'x': L(rx), 'inMask': L(mask_of(in_lens, 6)), 'outMask': L(mask_of(out_lens, Tout)), 'y': L(res)}

# 5c. pooled matching
txt, tm = rnd(B, 4, 6), mask_of([4, 2], 4)
sp = rnd(B, T, 6)


def pool(x, mm):
    return (x * mm[:, :, None]).sum(1) / mm.sum(1, keepdim=True).clamp(min=1)


out['pooled'] = {'text': L(txt), 'textMask': L(tm), 'speech': L(sp), 'speechMask': L(m),
                 'cosine': (1 - cos(pool(sp, m), pool(txt, tm))).mean().item()}

# 5d. InfoNCE
te, se = rnd(3, 6), rnd(3, 6)
lg = F.normalize(se, dim=-1) @ F.normalize(te, dim=-1).T / 0.1
lab = torch.arange(3)
out['infonce'] = {'text': L(te), 'speech': L(se), 'temperature': 0.1,
                  'symmetric': (0.5 * (F.cross_entropy(lg, lab) + F.cross_entropy(lg.T, lab))).item(),
                  'oneway': F.cross_entropy(lg, lab).item()}

# 5e. alignment-guided token pooling
fr = rnd(B, 6, 4)
ali = [[0, 0, -1, 1, 2, 2], [-1, 0, 1, 1, -1, -1]]
tok = rnd(B, 3, 4)
tokm = [[1, 1, 1], [1, 1, 0]]
pooled = torch.zeros(B, 3, 4, dtype=D)
hit = torch.zeros(B, 3, dtype=D)
for b in range(B):
    for k in range(3):
        idx = [f for f in range(6) if ali[b][f] == k]
        if idx:
            pooled[b, k] = fr[b, idx].mean(0)
            hit[b, k] = 1
vm = hit * torch.tensor(tokm, dtype=D)
out['alignpool'] = {'frames': L(fr), 'alignment': ali, 'tokens': L(tok), 'tokenMask': tokm, 'pooled': L(pooled),
                    'cosine': masked_mean(1 - cos(pooled, tok), vm).item()}

# 5a. attention aligner (attnDim 3)
sp2, tx2 = rnd(B, T, 4), rnd(B, 3, 6)
sm2, tm2 = m, mask_of([3, 2], 3)
Ws, Wt, Wo, bo = rnd(4, 3, scale=0.5), rnd(6, 3, scale=0.5), rnd(4, 6, scale=0.5), rnd(6, scale=0.1)


def attend(q, k, km, v):
    sc = q @ k.transpose(1, 2) / math.sqrt(3)
    sc = sc + (1 - km[:, None, :]) * -1e9
    return F.softmax(sc, -1) @ v


sv = sp2 @ Wo + bo
pred_t2f = attend(tx2 @ Wt, sp2 @ Ws, sm2, sv)
targ_f2t = attend(sp2 @ Ws, tx2 @ Wt, tm2, tx2)
out['aligner'] = {'speech': L(sp2), 'speechMask': L(sm2), 'text': L(tx2), 'textMask': L(tm2),
                  'speechKernel': L(Ws), 'textKernel': L(Wt), 'valueKernel': L(Wo), 'valueBias': L(bo),
                  'tokensToFrames': masked_mean(1 - cos(pred_t2f, tx2), tm2).item(),
                  'framesToTokens': masked_mean(1 - cos(sv, targ_f2t), sm2).item()}

# 7. multi-teacher fusion with a gate
t1, t2 = rnd(B, T, C, scale=2), rnd(B, T, C, scale=2)
ctx = rnd(B, 6)
W1, b1, W2, b2 = rnd(6, 4, scale=0.5), rnd(4, scale=0.1), rnd(4, 2, scale=0.5), rnd(2, scale=0.1)
gw = F.softmax(torch.tanh(ctx @ W1 + b1) @ W2 + b2, -1)
fused = gw[:, 0, None, None] * F.softmax(t1 / 2, -1) + gw[:, 1, None, None] * F.softmax(t2 / 2, -1)
kl = (fused * (fused.log() - F.log_softmax(sl / 2, -1))).sum(-1) * 4
out['fusion'] = {'teachers': [L(t1), L(t2)], 'context': L(ctx), 'W1': L(W1), 'b1': L(b1), 'W2': L(W2), 'b2': L(b2),
                 'student': L(sl), 'mask': L(m), 'weights': L(gw), 'fused': L(fused), 'kd': masked_mean(kl, m).item()}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'golden', 'golden.json')
os.makedirs(os.path.dirname(path), exist_ok=True)
tmp = f'{path}.tmp-{os.getpid()}'
with open(tmp, 'w') as f:
    json.dump(out, f)
os.replace(tmp, path)
print(f'wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes, torch {torch.__version__})')
