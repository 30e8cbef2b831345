# Shared by the reference scripts: the seeded-by-formula tensors the tests rebuild in TypeScript
# (test/torch-inputs.ts) and the 7-significant-digit printout.
import torch


def seq(shape, f):
    """A float32 tensor of `shape` whose flat element i is f(i)."""
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float32).reshape(list(shape))


def distinct(shape):
    """x[i] = ((i·37) mod 101)/10 − 5: no ties for up to 101 elements."""
    return seq(shape, lambda i: ((i * 37) % 101) / 10 - 5).requires_grad_(True)


def output_weights(shape):
    """g[i] = ((i·13) mod 17)/4 − 2: the vector each output is backpropagated with."""
    return seq(shape, lambda i: ((i * 13) % 17) / 4 - 2)


def kernel_weights(shape):
    """w[i] = ((i·29) mod 23)/10 − 1.1."""
    return seq(shape, lambda i: ((i * 29) % 23) / 10 - 1.1).requires_grad_(True)


def r(t):
    """Flattened values to 7 significant digits (±inf as strings, which JSON lacks)."""
    return [float('%.7g' % v) if abs(v) != float('inf') else str(v) for v in t.flatten().tolist()]
