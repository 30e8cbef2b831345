# Regenerates the PyTorch reference values of src/autograd/retain-grad.test.ts: retain_grad() and the
# .grad of non-leaves, float32. A 2-3-2 MLP with a ReLU on two points (its inputs are printed too, and
# the test builds the same network from them): every intermediate gradient when all are retained, which
# .grad stays None when one is, accumulation over two backward calls and after clearing; a node reached
# by two paths; retain_grad() on a leaf and on tensors that do not require grad.
# Run: /usr/bin/python3 retain-grad.py
import json
import warnings
import torch
import torch.nn.functional as F

# NOTE(inputs): hidden neuron 1 is dead (z1 < 0 for both points) and z1[0, 2] is exactly 0, where
# ReLU's gradient is 0 in PyTorch.
INPUTS = {
    'x': [[0.5, -1.0], [1.5, 2.0]],
    'labels': [1, 0],
    'w1': [[0.3, -0.2], [-0.6, 0.1], [0.8, 0.4]],
    'b1': [0.1, -0.9, 0.0],
    'w2': [[0.7, -0.5, 0.2], [-0.3, 0.9, 0.6]],
    'b2': [0.05, -0.05],
}


def mlp():
    x = torch.tensor(INPUTS['x'])
    labels = torch.tensor(INPUTS['labels'])
    w1, b1, w2, b2 = (torch.tensor(INPUTS[k], requires_grad=True) for k in ('w1', 'b1', 'w2', 'b2'))
    z1 = x @ w1.T + b1
    h = z1.relu()
    o = h @ w2.T + b2
    loss = F.cross_entropy(o, labels)
    return {'w1': w1, 'w2': w2, 'z1': z1, 'h': h, 'o': o, 'loss': loss}


def grad(t):
    """t.grad as nested lists (a number for a scalar), or None. Reading a non-leaf's unretained .grad
    warns in PyTorch; the None is the behaviour recorded here, the warning is not."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        return None if t.grad is None else t.grad.tolist()


def raises(f):
    """PyTorch's error message when f() raises, else None."""
    try:
        f()
    except RuntimeError as error:
        return str(error)
    return None


out = {'inputs': INPUTS}

net = mlp()
for name in ('z1', 'h', 'o', 'loss'):
    net[name].retain_grad()
net['loss'].backward()
out['all retained'] = {'loss': net['loss'].item(), 'grad': {name: grad(t) for name, t in net.items()}}

net = mlp()
net['h'].retain_grad()
net['loss'].backward()
plain = mlp()
plain['loss'].backward()
out['only h retained'] = {
    'grad': {name: grad(t) for name, t in net.items()},
    'retainsGrad': {name: net[name].retains_grad for name in ('z1', 'h', 'o', 'loss')},
    'leaves without retain_grad': {name: grad(plain[name]) for name in ('w1', 'w2')},
}

net = mlp()
net['h'].retain_grad()
net['loss'].backward(retain_graph=True)
net['loss'].backward(retain_graph=True)
twice = grad(net['h'])
net['h'].grad = None
net['loss'].backward()
out['two backward calls'] = {'h after two': twice, 'h after clearing and one more': grad(net['h'])}

# y = a·a + 3a with a = 2x at x = 2: a's gradient sums both paths.
x = torch.tensor(2.0, requires_grad=True)
a = x * 2
a.retain_grad()
(a * a + a * 3).backward()
out['two paths'] = {'x': 2.0, 'grad': {'a': grad(a), 'x': grad(x)}}

leaf = torch.tensor([1.0, 2.0], requires_grad=True)
leaf.retain_grad()
retains = leaf.retains_grad
leaf.square().sum().backward()


def under_no_grad():
    with torch.no_grad():
        y = leaf * 2
    y.retain_grad()


out['leaf'] = {
    'retainsGrad': retains,
    'grad': grad(leaf),
    'error without requires_grad': raises(lambda: torch.tensor([1.0]).retain_grad()),
    'error when computed under no_grad': raises(under_no_grad),
}
print(json.dumps({'torch': torch.__version__, **out}))
