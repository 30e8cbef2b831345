# Regenerates the PyTorch reference values of src/ops/classification-losses.test.ts: cross_entropy and
# nll_loss with class weights, ignore_index, label smoothing and probability targets, float32.
# Scores s[i] = ((i·37) mod 101)/20 − 2.5; for each case: the loss (flattened) and, after
# loss.backward(g) with g[i] = ((i·13) mod 17)/4 − 2 (g = 1 for a scalar), the gradient of the
# scores (and of the targets, for probability targets). Run: /usr/bin/python3 cross-entropy.py
import json
import torch
import torch.nn.functional as F
from common import r, seq


def scores(shape):
    return seq(shape, lambda i: ((i * 37) % 101) / 20 - 2.5).requires_grad_(True)


W3 = torch.tensor([0.5, 2.0, 1.0])
LABELS = torch.tensor([0, 2, -100, 1])
SPATIAL = torch.tensor([[[2, 1], [0, 1]], [[1, 1], [2, 0]]])
PROBS = torch.tensor([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])

CASES = {
    'weight, ignored label, mean': ([4, 3], lambda s: F.cross_entropy(s, LABELS, weight=W3)),
    'weight, ignored label, sum': ([4, 3], lambda s: F.cross_entropy(s, LABELS, weight=W3, reduction='sum')),
    'weight, ignored label, none': ([4, 3], lambda s: F.cross_entropy(s, LABELS, weight=W3, reduction='none')),
    'weight, ignored label, smoothing 0.2, mean': ([4, 3], lambda s: F.cross_entropy(s, LABELS, weight=W3, label_smoothing=0.2)),
    'ignored label, smoothing 0.2, mean': ([4, 3], lambda s: F.cross_entropy(s, LABELS, label_smoothing=0.2)),
    'weight, smoothing 0.2, none': ([4, 3], lambda s: F.cross_entropy(s, LABELS, weight=W3, label_smoothing=0.2, reduction='none')),
    'spatial [2,3,2,2], ignoreIndex 1, weight, mean': ([2, 3, 2, 2], lambda s: F.cross_entropy(s, SPATIAL, weight=W3, ignore_index=1)),
    'nll: weight, ignored label, mean': ([4, 3], lambda s: F.nll_loss(s, LABELS, weight=W3)),
}

out = {'cases': {}, 'soft': {}}
for name, (shape, fn) in CASES.items():
    s = scores(shape)
    loss = fn(s)
    loss.backward(seq(list(loss.shape), lambda i: ((i * 13) % 17) / 4 - 2) if loss.dim() > 0 else None)
    out['cases'][name] = {'loss': r(loss.detach()), 'gradient': r(s.grad)}

SOFT = {
    'probabilities, mean': dict(),
    'probabilities, weight, smoothing 0.1, mean': dict(weight=W3, label_smoothing=0.1),
    'probabilities, weight, sum': dict(weight=W3, reduction='sum'),
    'probabilities, none': dict(reduction='none'),
}
for name, kwargs in SOFT.items():
    s = scores([4, 3])
    t = PROBS.clone().requires_grad_(True)
    loss = F.cross_entropy(s, t, **kwargs)
    loss.backward(seq(list(loss.shape), lambda i: ((i * 13) % 17) / 4 - 2) if loss.dim() > 0 else None)
    out['soft'][name] = {'loss': r(loss.detach()), 'gradient': r(s.grad), 'targetGradient': r(t.grad)}

s = scores([2, 3])
out['all ignored, mean'] = r(F.cross_entropy(s, torch.tensor([-100, -100])).detach())
try:
    F.cross_entropy(scores([4, 3]), PROBS, ignore_index=1)
    out['soft with ignore_index'] = 'accepted'
except Exception as error:
    out['soft with ignore_index'] = str(error)[:120]
print(json.dumps({'torch': torch.__version__, **out}))
