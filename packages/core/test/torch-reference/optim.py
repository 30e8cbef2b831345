# Regenerates the PyTorch reference values of src/optim/torch-parity.test.ts: 20-step parameter
# trajectories of each optimizer on a fixed non-quadratic loss, and 30-step learning-rate schedules,
# float32. Parameters start at p0 = [1, -2, 0.5, 3]; loss(p) = Σ (c·p − t)² + Σ p⁴/20 with
# c = [1, 2, −1, 0.5], t = [0.5, −1, 1, 2]. Run: /usr/bin/python3 optim.py
import json
import torch
from common import r

C = torch.tensor([1.0, 2.0, -1.0, 0.5])
T = torch.tensor([0.5, -1.0, 1.0, 2.0])


def trajectory(make, steps=20):
    p = torch.tensor([1.0, -2.0, 0.5, 3.0], requires_grad=True)
    optimizer = make([p])
    out = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((C * p - T) ** 2).sum() + (p ** 4).sum() / 20
        loss.backward()
        optimizer.step()
        out.append(r(p.detach()))
    return out


OPTIMIZERS = {
    'SGD momentum 0.9 nesterov, weight decay 0.01': lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01),
    'SGD momentum 0.9 dampening 0.1': lambda ps: torch.optim.SGD(ps, lr=0.02, momentum=0.9, dampening=0.1),
    'Adam weight decay 0.01 amsgrad': lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.01, amsgrad=True),
    'AdamW': lambda ps: torch.optim.AdamW(ps, lr=0.05),
    'RMSprop momentum 0.5 centered': lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True, weight_decay=0.1),
}


def schedule(make, steps=30):
    p = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.5)
    scheduler = make(optimizer)
    out = [optimizer.param_groups[0]['lr']]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        out.append(optimizer.param_groups[0]['lr'])
    return out


SCHEDULERS = {
    'StepLR stepSize 7 gamma 0.5': lambda o: torch.optim.lr_scheduler.StepLR(o, 7, gamma=0.5),
    'ExponentialLR gamma 0.9': lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9),
    'CosineAnnealingLR tMax 10 etaMin 0.01': lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 10, eta_min=0.01),
    'LinearLR startFactor 0.25 over 5 (LinearWarmup)': lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=5),
    'OneCycleLR maxLr 1 totalSteps 31 cos': lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=31),
    'OneCycleLR maxLr 1 totalSteps 31 linear pctStart 0.2': lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=31, anneal_strategy='linear', pct_start=0.2),
}

print(json.dumps({
    'torch': torch.__version__,
    'optimizers': {name: trajectory(make) for name, make in OPTIMIZERS.items()},
    'schedulers': {name: schedule(make) for name, make in SCHEDULERS.items()},
}))
