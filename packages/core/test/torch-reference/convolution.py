# Regenerates the PyTorch reference values of src/tensor/conv-parity.test.ts: conv2d with dilation,
# groups, padding 'same' and padding modes, and F.pad with modes and negative padding, float32.
# Inputs x[i] = ((i·37) mod 101)/10 − 5, weights w[i] = ((i·29) mod 23)/10 − 1.1, bias b[i] = i/4 − 0.5,
# output weights g[i] = ((i·13) mod 17)/4 − 2; prints each output and the gradients after y.backward(g).
# Run: /usr/bin/python3 convolution.py
import json
import torch
import torch.nn.functional as F
from common import distinct as x_of, kernel_weights as w_of, r, seq


def conv(x, w, b, stride=1, padding=0, dilation=1, groups=1, mode='zeros'):
    # nn.Conv2d's padding_mode: F.pad with the mode, then an unpadded convolution.
    if mode != 'zeros':
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        return F.conv2d(F.pad(x, (pw, pw, ph, ph), mode=mode), w, b, stride, 0, dilation, groups)
    return F.conv2d(x, w, b, stride, padding, dilation, groups)


CONV = {
    'dilation 2, padding 1': ([1, 2, 5, 5], [2, 2, 3, 3], lambda x, w, b: conv(x, w, b, padding=1, dilation=2)),
    'dilation (2,3), stride 2': ([1, 2, 7, 8], [2, 2, 2, 3], lambda x, w, b: conv(x, w, b, stride=2, dilation=(2, 3))),
    'groups 2': ([1, 4, 4, 4], [4, 2, 3, 3], lambda x, w, b: conv(x, w, b, groups=2)),
    'depthwise (groups = C = 3), stride 2': ([1, 3, 5, 5], [3, 1, 3, 3], lambda x, w, b: conv(x, w, b, stride=2, padding=1, groups=3)),
    "padding 'same', even kernel, dilation 2": ([1, 1, 4, 5], [2, 1, 2, 4], lambda x, w, b: conv(x, w, b, padding='same', dilation=(1, 2))),
    'reflect padding 2': ([1, 1, 4, 5], [1, 1, 3, 3], lambda x, w, b: conv(x, w, b, padding=2, mode='reflect')),
    'replicate padding (1,2), groups 2': ([1, 2, 3, 4], [2, 1, 3, 3], lambda x, w, b: conv(x, w, b, padding=(1, 2), groups=2, mode='replicate')),
    'circular padding 1, stride 2': ([1, 1, 5, 6], [2, 1, 3, 3], lambda x, w, b: conv(x, w, b, stride=2, padding=1, mode='circular')),
}

PAD = [
    ('reflect', (2, 1, 1, 2)),
    ('replicate', (3, 0, 2, 1)),
    ('circular', (4, 2, 1, 3)),
    ('constant', (-1, 2, 1, -2)),
    ('reflect', (-1, 2, 2, -1)),
    ('circular', (2, -1, -1, 1)),
]

out = {'conv': {}, 'pad': []}
for name, (x_shape, w_shape, fn) in CONV.items():
    x, w = x_of(x_shape), w_of(w_shape)
    b = seq([w_shape[0]], lambda i: i / 4 - 0.5).requires_grad_(True)
    y = fn(x, w, b)
    y.backward(seq(list(y.shape), lambda i: ((i * 13) % 17) / 4 - 2))
    out['conv'][name] = {'shape': list(y.shape), 'value': r(y.detach()), 'input': r(x.grad), 'weight': r(w.grad), 'bias': r(b.grad)}
for mode, padding in PAD:
    x = x_of([1, 2, 3, 4])
    y = F.pad(x, padding, mode=mode, value=1.5) if mode == 'constant' else F.pad(x, padding, mode=mode)
    y.backward(seq(list(y.shape), lambda i: ((i * 13) % 17) / 4 - 2))
    out['pad'].append({'mode': mode, 'padding': list(padding), 'shape': list(y.shape), 'value': r(y.detach()), 'gradient': r(x.grad)})
print(json.dumps({'torch': torch.__version__, **out}))
