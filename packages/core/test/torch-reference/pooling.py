# Regenerates the PyTorch reference values of src/tensor/pooling-parity.test.ts: max/avg pooling with
# dilation, ceil mode and count_include_pad, and adaptive average pooling, float32.
# Input x[i] = ((i·37) mod 101)/10 − 5 (no ties), output weights g[i] = ((i·13) mod 17)/4 − 2;
# prints each case's output and x.grad after out.backward(g). Run: /usr/bin/python3 pooling.py
import json
import torch
import torch.nn.functional as F
from common import distinct as seeded, output_weights as weights, r


CASES = {
    'max k3 s2 ceil': ([1, 2, 5, 7], lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True)),
    'max k2 s1 p1 d2': ([1, 2, 5, 7], lambda x: F.max_pool2d(x, 2, stride=1, padding=1, dilation=2)),
    'max k3 s2 p1 d(2,1) ceil': ([1, 2, 5, 7], lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=(2, 1), ceil_mode=True)),
    'max k2 s2 ceil, wide (where the WebAssembly kernel would apply)': ([1, 1, 5, 9], lambda x: F.max_pool2d(x, 2, stride=2, ceil_mode=True)),
    'max k2 s1 d2, wide': ([1, 1, 5, 9], lambda x: F.max_pool2d(x, 2, stride=1, dilation=2)),
    'avg k3 s2 p1 ceil include': ([1, 2, 5, 7], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)),
    'avg k3 s2 p1 ceil exclude': ([1, 2, 5, 7], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    'avg k2 s2 ceil': ([1, 2, 5, 7], lambda x: F.avg_pool2d(x, 2, stride=2, ceil_mode=True)),
    'adaptive (3,4)': ([1, 2, 5, 7], lambda x: F.adaptive_avg_pool2d(x, (3, 4))),
    'adaptive 1': ([2, 2, 5, 7], lambda x: F.adaptive_avg_pool2d(x, 1)),
    'adaptive (7,9) upsampling': ([1, 1, 5, 7], lambda x: F.adaptive_avg_pool2d(x, (7, 9))),
}

out = {}
for name, (shape, fn) in CASES.items():
    x = seeded(shape).requires_grad_(True)
    try:
        y = fn(x)
    except RuntimeError as error:
        out[name] = {'error': str(error).split('\n')[0]}
        continue
    y.backward(weights(y.shape))
    out[name] = {'shape': list(y.shape), 'value': r(y.detach()), 'gradient': r(x.grad)}
print(json.dumps({'torch': torch.__version__, 'cases': out}))
