# Regenerates the PyTorch reference values of src/ops/losses.test.ts: F.binary_cross_entropy at
# saturated probabilities (loss, ∂/∂p and ∂/∂t, reduction='none' then .sum().backward()), and the
# gradient reaching a logit of −95 through sigmoid. Run: /usr/bin/python3 losses.py
import json
import torch
import torch.nn.functional as F

P = [0.0, 1.0, 0.0, 1.0, 1e-40, 1e-13, 0.3, 0.5]
T = [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.25]

p = torch.tensor(P, dtype=torch.float32, requires_grad=True)
t = torch.tensor(T, dtype=torch.float32, requires_grad=True)
loss = F.binary_cross_entropy(p, t, reduction='none')
loss.sum().backward()

logit = torch.tensor([-95.0], requires_grad=True)
F.binary_cross_entropy(torch.sigmoid(logit), torch.tensor([1.0])).backward()

print(json.dumps({
    'torch': torch.__version__,
    'binaryCrossEntropy': {
        'probabilities': P, 'targets': T,
        'loss': loss.detach().tolist(), 'probabilityGradient': p.grad.tolist(), 'targetGradient': t.grad.tolist(),
    },
    'saturated sigmoid, logit -95, target 1': {'gradient': logit.grad.tolist()},
}))
