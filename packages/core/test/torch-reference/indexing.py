# Regenerates the PyTorch reference values of src/tensor/indexing-parity.test.ts: cumsum, sort, topk
# and F.embedding (padding_idx), values and gradients, float32. x[i] = ((i·37) mod 101)/10 − 5 (no
# ties), output weights g[i] = ((i·13) mod 17)/4 − 2. Run: /usr/bin/python3 indexing.py
import json
import torch
import torch.nn.functional as F
from common import distinct as x_of, output_weights as g, r, seq


out = {}
for name, fn in {
    'cumsum axis 1': lambda x: (torch.cumsum(x, 1), None),
    'cumsum axis -1': lambda x: (torch.cumsum(x, -1), None),
    'sort axis 1 descending': lambda x: torch.sort(x, 1, descending=True),
    'sort axis -1': lambda x: torch.sort(x, -1),
    'topk 2 axis -1': lambda x: torch.topk(x, 2, -1),
    'topk 2 axis 1 smallest': lambda x: torch.topk(x, 2, 1, largest=False),
}.items():
    x = x_of([2, 3, 4])
    values, indices = fn(x)
    values.backward(g(values.shape))
    out[name] = {'shape': list(values.shape), 'value': r(values.detach()), 'indices': [] if indices is None else r(indices), 'gradient': r(x.grad)}

w = seq([5, 3], lambda i: ((i * 29) % 23) / 10 - 1.1).requires_grad_(True)
idx = torch.tensor([[0, 2, 2], [4, 1, 0]])
e = F.embedding(idx, w, padding_idx=2)
e.backward(g(e.shape))
out['embedding padding_idx 2'] = {'shape': list(e.shape), 'value': r(e.detach()), 'gradient': r(w.grad)}
print(json.dumps({'torch': torch.__version__, **out}))
