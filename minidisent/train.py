"""Losses and training.

An objective is a function objective(params, batch, rng) -> scalar, built by a loss
constructor from a model and an operator; `fit` minimises it with autograd's Adam on
minibatches of a data tuple such as the pairs (x1, g, x2) from data.pairs.
"""
import sys

import autograd.numpy as np
import numpy as onp
from autograd import value_and_grad
from autograd.extend import defvjp, primitive

from . import _checks


def predict(model, params, op, x1, g):
    """x1 (B, *shape), g int (B,) -> the model's guess of g·x1: decode(psi(g) encode(x1))."""
    return model.decode(params, op(model.encode(params, x1), g))


def _check_pair(model, op):
    if op.latent_dim != model.latent_dim or op.group.shape != model.shape:
        raise ValueError(f"op: expected an operator on latent_dim {model.latent_dim} for images of "
                         f"shape {model.shape}, got latent_dim {op.latent_dim} and shape {op.group.shape}")


def supervised_loss(model, op, reconstruction=1.0, consistency=0.0):
    """Objective on a batch (x1, g, x2), each term a squared norm averaged over the batch:
        reconstruction * ‖decode(z1) − x1‖²  +  ‖decode(psi(g) z1) − x2‖²
        + consistency * ‖encode(x2) − psi(g) z1‖²,      z1 = encode(x1)."""
    _check_pair(model, op)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)

    def objective(params, batch, rng=None):
        x1, g, x2 = batch
        B = x1.shape[0]
        z1 = model.encode(params, x1)
        z2 = op(z1, g)  # (B, L): the code psi(g) predicts for x2
        if reconstruction:  # one decoder pass for both codes, then split (not sliced: the
            # gradient of a slice is a slow np.add.at, the gradient of split one concatenate)
            decoded_x1, decoded_x2 = np.split(model.decode(params, np.concatenate([z1, z2])), 2)
        else:
            decoded_x2 = model.decode(params, z2)
        loss = squared_norm(decoded_x2 - x2)
        if reconstruction:
            loss = loss + reconstruction * squared_norm(decoded_x1 - x1)
        if consistency:
            loss = loss + consistency * squared_norm(model.encode(params, x2) - z2)
        return loss / B

    return objective


def _batches(n, batch_size, steps, rng):
    """Row indices (steps, batch_size): successive shuffles of range(n), one epoch after another."""
    if batch_size >= n:
        return onp.broadcast_to(onp.arange(n), (steps, n))
    epochs = -(-steps * batch_size // n)
    order = onp.concatenate([rng.permutation(n) for _ in range(epochs)])
    return order[: steps * batch_size].reshape(steps, batch_size)


def fit(objective, params, data, steps=1000, batch_size=64, step_size=1e-2, decay=1.0,
        seed=0, progress=False):
    """Minimise objective(params, batch, rng) with Adam.

    data       tuple of arrays with one common first length N, e.g. (x1, g, x2)
    batch      the same tuple restricted to batch_size rows drawn without replacement
    step_size  Adam's step; with decay < 1 it falls geometrically to step_size * decay
               at the last step (applied in 10 stages, each a fresh Adam run)
    The Adam arithmetic is autograd.misc.optimizers.adam's, bit for bit (see adam_step).
    Parameters stay float32 if given float32 (with float32 data: half the time of float64).
    Returns (params, history): the trained parameters and the loss of each step, float (steps,).
    Raises FloatingPointError naming the step if the loss stops being finite.
    """
    if not isinstance(data, tuple) or not data:
        raise TypeError(f"data: expected a non-empty tuple of arrays such as (x1, g, x2), got {type(data).__name__}")
    lengths = {len(a) for a in data}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"data: expected arrays with one common, non-zero first length, "
                         f"got lengths {[len(a) for a in data]}")
    _checks.positive("steps", steps, integer=True)
    _checks.positive("batch_size", batch_size, integer=True)
    _checks.positive("step_size", step_size)
    _checks.positive("decay", decay)
    if decay > 1:
        raise ValueError(f"decay: expected a factor in (0, 1], got {decay}")
    for k, v in params.items():
        if not onp.all(onp.isfinite(v)):
            raise ValueError(f"params: expected finite values, got NaN/inf in {k!r}")
    rng = onp.random.default_rng(seed)
    rows = _batches(lengths.pop(), batch_size, steps, rng)
    history = onp.empty(steps)
    loss_and_grad = value_and_grad(objective)
    # a copy, updated in place; float64 unless given float32 (2x faster, 1e-7 resolution)
    params = {k: onp.array(v, dtype=onp.result_type(v, 1.0)) for k, v in params.items()}
    stages = 1 if decay == 1 else 10
    ends = onp.linspace(0, steps, stages + 1).astype(int)
    for stage in range(stages):
        rate = step_size * decay ** (stage / max(1, stages - 1))
        moments = {k: (onp.zeros_like(v), onp.zeros_like(v)) for k, v in params.items()}  # fresh Adam
        for i, step in enumerate(range(ends[stage], ends[stage + 1])):
            value, grad = loss_and_grad(params, tuple(a[rows[step]] for a in data), rng)
            if not onp.isfinite(value):
                raise FloatingPointError(f"fit: the loss became {value} at step {step}; "
                                         f"try a smaller step_size (it was {step_size})")
            history[step] = value
            if progress and (step + 1) % max(1, steps // 10) == 0:
                print(f"step {step + 1:6d}/{steps}  loss {value:.3e}", file=sys.stderr, flush=True)
            adam_step(params, grad, moments, i, rate)
    return params, history


def adam_step(params, grad, moments, i, step_size, b1=0.9, b2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba 2015), in place on the dicts `params` and `moments`
    (key -> (m, v), zero before step i = 0). The same arithmetic as
    autograd.misc.optimizers.adam, bit for bit, but on each array where it lies: that one
    flattens the parameters and the gradient into new vectors and allocates new m, v and x
    every step, which costs as much as the matrix products of a small model
    (python -m minidisent.bench measures both)."""
    for k, g in grad.items():
        x, (m, v) = params[k], moments[k]
        m *= b1
        m += (1 - b1) * g  # m = (1 - b1) g + b1 m, first moment
        v *= b2
        v += (1 - b2) * g ** 2  # v = (1 - b2) g² + b2 v, second moment
        x -= step_size * (m / (1 - b1 ** (i + 1))) / (onp.sqrt(v / (1 - b2 ** (i + 1))) + eps)


@primitive
def squared_norm(r):
    """Σ r² over every entry of r, differentiable: its gradient 2 r is one pass over r
    (np.sum(r ** 2) gives the same numbers but its gradient takes four, through np.power)."""
    return onp.sum(onp.square(r))


defvjp(squared_norm, lambda ans, r: lambda g: (2 * g) * r)
