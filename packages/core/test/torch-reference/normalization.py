# Regenerates the PyTorch reference values of src/nn/normalization-options.test.ts: BatchNorm with
# affine=False, momentum=None (cumulative average) and track_running_stats=False, LayerNorm with
# elementwise_affine=False, float32. Batch k (k = 0, 1, 2) of shape [4, 3, 2, 2] holds
# x[i] = ((i·37 + 11·k) mod 101)/10 − 5 + k; gradients after out.backward(g), g[i] = ((i·13) mod 17)/4 − 2.
# Run: /usr/bin/python3 normalization.py
import json
import torch
from common import output_weights as g, r, seq


def batch(k, shape=(4, 3, 2, 2)):
    return seq(list(shape), lambda i: ((i * 37 + 11 * k) % 101) / 10 - 5 + k).requires_grad_(True)


out = {}
bn = torch.nn.BatchNorm2d(3, affine=False, momentum=None)
for k in range(3):
    bn(batch(k))
bn.eval()
x = batch(3)
y = bn(x)
y.backward(g(y.shape))
out['cumulative'] = {'runningMean': r(bn.running_mean), 'runningVar': r(bn.running_var), 'tracked': int(bn.num_batches_tracked), 'eval': r(y.detach()), 'gradient': r(x.grad), 'keys': list(bn.state_dict().keys())}

bn = torch.nn.BatchNorm2d(3, track_running_stats=False)
bn.eval()
x = batch(1)
y = bn(x)
y.backward(g(y.shape))
out['untracked eval'] = {'value': r(y.detach()), 'gradient': r(x.grad), 'keys': list(bn.state_dict().keys())}

ln = torch.nn.LayerNorm([2, 2], elementwise_affine=False)
x = batch(2)
y = ln(x)
y.backward(g(y.shape))
out['layerNorm'] = {'value': r(y.detach()), 'gradient': r(x.grad), 'keys': list(ln.state_dict().keys())}
print(json.dumps({'torch': torch.__version__, **out}))
