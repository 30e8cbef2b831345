# Regenerates the PyTorch reference values of src/tensor/primitives/unary.test.ts (REFERENCE):
# value and gradient of each elementwise op at the EDGES inputs, float32. Run: /usr/bin/python3 unary.py
import json
import torch

EDGES = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, -1.7, 3.14159, 1e-8, float('inf'), float('-inf'), float('nan')]
OPS = ['sin', 'cos', 'tan', 'floor', 'ceil', 'round', 'sign', 'reciprocal', 'rsqrt', 'log1p', 'expm1']


def floats(t):
    # JSON has no NaN/Infinity/-0: spell them as strings the test can read back.
    out = []
    for v in t.tolist():
        if v != v:
            out.append('NaN')
        elif v in (float('inf'), float('-inf')):
            out.append('Infinity' if v > 0 else '-Infinity')
        elif v == 0 and str(v).startswith('-'):
            out.append('-0')
        else:
            out.append(v)
    return out


reference = {}
for name in OPS:
    x = torch.tensor(EDGES, dtype=torch.float32, requires_grad=True)
    y = getattr(torch, name)(x)
    y.backward(torch.ones_like(y))
    reference[name] = {'value': floats(y.detach()), 'gradient': floats(x.grad)}
print(json.dumps({'torch': torch.__version__, 'edges': floats(torch.tensor(EDGES)), 'reference': reference}, indent=1))
