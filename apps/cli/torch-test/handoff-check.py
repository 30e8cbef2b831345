"""Test helper of the PyTorch hand-off suite (handoff.test.ts): runs inside an exported folder's
Python and writes what it computed as safetensors for the TypeScript side to compare.

    python3 handoff-check.py logits FOLDER OUT      model.py's logits on data/test.safetensors[:64]
    python3 handoff-check.py step FOLDER OUT [FOLDER OUT ...]   weights after one train.py-built optimizer step
                                                    on data/train.safetensors[:batch] (no augmentation)
    python3 handoff-check.py schedule FOLDER JSON OUT   train.py's learning_rate_at over JSON's cases
"""
import importlib.util
import json
import os
import sys

import torch
import torch.nn.functional as F

command, folder, *rest = sys.argv[1:]
sys.path.insert(0, os.path.abspath(folder))
import model as exported  # noqa: E402  (the folder's model.py)


def weights_read_by_hand(path):
    """The folder's own reader, without the safetensors package (Debian has none): must equal read_safetensors."""
    by_hand = exported._read_safetensors(path)
    by_api = exported.read_safetensors(path)
    assert by_hand.keys() == by_api.keys() and all(torch.equal(by_hand[k], by_api[k]) for k in by_hand), "readers disagree"
    return by_hand


if command == "logits":
    (out,) = rest
    net = exported.BackpropModel()
    net.load_state_dict(weights_read_by_hand(os.path.join(folder, "model.safetensors")), strict=True)
    net.eval()
    inputs, labels = exported.read_data(os.path.join(folder, "data", "test.safetensors"))
    with torch.no_grad():
        logits = net(inputs[:64])
    exported.write_safetensors({"logits": logits, "inputs": inputs[:64]}, out)
    print(json.dumps({"safetensors_package": importlib.util.find_spec("safetensors") is not None}))
elif command == "step":
    # FOLDER OUT [FOLDER OUT ...]: one Python start (torch takes seconds to import) for every folder.
    pairs = [(folder, rest[0])] + [(rest[i], rest[i + 1]) for i in range(1, len(rest) - 1, 2)]
    for step_folder, out in pairs:
        sys.path[0] = os.path.abspath(step_folder)
        for name in ("model", "train"):
            sys.modules.pop(name, None)
        import model as exported  # noqa: E402  (this folder's model.py)

        spec = importlib.util.spec_from_file_location("train", os.path.join(step_folder, "train.py"))
        train = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train)
        with open(os.path.join(step_folder, "training.json"), encoding="utf-8") as file:
            run = json.load(file)
        net = exported.load()
        net.train()
        optimizer = train.build_optimizer(net, run["optimizer"], os.path.join(step_folder, "optimizer.safetensors"))
        inputs, labels = exported.read_data(os.path.join(step_folder, "data", "train.safetensors"))
        batch = run["batch_size"]
        optimizer.zero_grad()
        F.cross_entropy(net(inputs[:batch]), labels[:batch]).backward()
        optimizer.step()
        exported.write_safetensors(dict(net.state_dict()), out)
elif command == "schedule":
    cases_path, out = rest
    spec = importlib.util.spec_from_file_location("train", os.path.join(folder, "train.py"))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    with open(cases_path, encoding="utf-8") as file:
        cases = json.load(file)
    rates = {}
    for case in cases:
        if "run" in case:  # an extended run: train.py's rate_function (NOTE(extend))
            rate = train.rate_function(case["run"], case["epochs"], case["extend"])
        else:
            rate = lambda step, schedule=case["schedule"]: train.learning_rate_at(schedule, step)  # noqa: E731
        rates[case["name"]] = torch.tensor([rate(step) for step in range(case["steps"] + 1)], dtype=torch.float64)
    exported.write_safetensors(rates, out)
else:
    raise SystemExit(f"unknown command {command!r}")
