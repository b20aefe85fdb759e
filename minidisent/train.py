"""Training: predict x2 = g·x1 through the operator, the supervised loss, Adam, fit.

An objective is a function objective(params, batch, rng) -> scalar. `fit` minimises it with
Adam on minibatches of a data tuple such as the pairs (x1, g, x2) of data.pairs. The course's
numbers are trained through fast.supervised_loss (recipes.py): the same loss with faster
arithmetic and gradient, equal bit for bit (tests/test_fast.py).
"""
import sys

import autograd.numpy as np
from autograd import value_and_grad

from . import _checks
from .models import check_params


def predict(model, params, op, x1, g):
    """x1 (B, *shape), g int (B,) -> the model's guess of g·x1: decode(psi(g) encode(x1))."""
    _checks.model_and_operator(model, op)
    x1 = _checks.images("x1", x1, model.shape)
    g = _checks.elements("g", g, op.group.order, length=len(x1))
    _checks.param_shapes("params", params, model.shapes)
    return model.decode(params, op.apply(model.encode(params, x1), g))


def supervised_loss(model, op, reconstruction=1.0, consistency=0.0):
    """Objective on a batch of pairs (x1, g, x2), each term a squared norm averaged over the batch:
        reconstruction * ‖decode(z1) − x1‖²  +  ‖decode(psi(g) z1) − x2‖²
        + consistency * ‖encode(x2) − psi(g) z1‖²,      z1 = encode(x1).
    objective.check(params, data) is what `fit` checks once, before the first step."""
    _checks.model_and_operator(model, op)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)
    objective = pair_loss(model, op, reconstruction, consistency)
    objective.check = lambda params, data: (check_params(model, params, exact=False),
                                            _checks.pairs("data", data, model.shape,
                                                          op.group.order))
    return objective


def pair_loss(model, op, reconstruction, consistency):
    """supervised_loss's objective without its door checks, for any operator whose
    op.apply(Z, g) takes what the pairs hold as g (group elements here; float angles in
    angle_operators.supervised_loss)."""
    def objective(params, batch, rng=None):
        x1, g, x2 = batch
        z1 = model.encode(params, x1)
        z2 = op.apply(z1, g)  # (B, L): the code psi(g) predicts for x2
        if reconstruction:
            decoded_x1, decoded_x2 = decode_pair(model, params, z1, z2)
        else:
            decoded_x2 = model.decode(params, z2)
        loss = np.sum((decoded_x2 - x2) ** 2)
        if reconstruction:
            loss = loss + reconstruction * np.sum((decoded_x1 - x1) ** 2)
        if consistency:
            loss = loss + consistency * np.sum((model.encode(params, x2) - z2) ** 2)
        return loss / x1.shape[0]
    return objective


def decode_pair(model, params, z1, z2):
    """z1, z2 (B, L) -> (decode(z1), decode(z2)), each (B, *shape): one decoder pass on the
    stacked codes [z1; z2] (one product per layer instead of two)."""
    return np.split(model.decode(params, np.concatenate([z1, z2])), 2)


def adam_step(params, grad, moments, i, step_size, b1=0.9, b2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba 2015), in place on the dicts `params` and `moments`
    (key -> (m, v), zeros before step i = 0): autograd.misc.optimizers.adam's arithmetic,
    bit for bit, but on each array where it lies (adam flattens params and gradient into
    new vectors every step, which costs as much as a small model's matrix products)."""
    for k, g in grad.items():
        x, (m, v) = params[k], moments[k]
        m *= b1
        m += (1 - b1) * g  # first moment
        v *= b2
        v += (1 - b2) * g ** 2  # second moment
        x -= step_size * (m / (1 - b1 ** (i + 1))) / (np.sqrt(v / (1 - b2 ** (i + 1))) + eps)


RUNAWAY = 100.0  # fit stops when the loss stays above RUNAWAY x its first value ...
PATIENCE = 10    # ... for PATIENCE steps in a row: a run that diverges without reaching inf


def fit(objective, params, data, steps=1000, batch_size=64, step_size=1e-2, decay=1.0,
        seed=0, progress=False, update=None):
    """Minimise objective(params, batch, rng) with Adam (update: adam_step, or an update with its
    signature such as fast_adam.lean_adam()).

    data       tuple of arrays with one common first length N, e.g. (x1, g, x2)
    batch      the same tuple restricted to batch_size rows (a fresh shuffle each epoch)
    step_size  Adam's step; with decay < 1 it falls geometrically to step_size * decay at
               the last step, in 10 stages, each a fresh Adam run
    Parameters are float64, or float32 if given float32 (half the time, 1e-7 resolution).
    Returns (params, history): the trained parameters and the loss of each step (steps,).
    Raises FloatingPointError naming the step if the loss stops being finite, or stays above
    RUNAWAY x (its first value, or the loss of predicting zeros if larger) for PATIENCE steps.
    """
    _checks.fit_arguments(objective, params, data, steps, batch_size, step_size, decay)
    _checks.seed("seed", seed)
    # a float copy (float32 stays float32, anything else float64): adam_step updates params in
    # place, and the caller's arrays stay as they were
    params = {k: np.array(v, dtype=np.float32 if np.asarray(v).dtype == np.float32 else np.float64)
              for k, v in params.items()}
    rng = np.random.default_rng(seed)
    rows = batches(len(data[0]), batch_size)
    history = np.empty(steps)
    # the gradient, as a dict like params; an objective may bring a faster one (fast.py)
    loss_and_grad = getattr(objective, "value_and_grad", None) or value_and_grad(objective)
    stages = 1 if decay == 1 else 10
    ends = np.linspace(0, steps, stages + 1).astype(int)
    above, update = 0, adam_step if update is None else update
    for stage in range(stages):
        rate = step_size * decay ** (stage / max(1, stages - 1))
        moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
        for i, step in enumerate(range(ends[stage], ends[stage + 1])):
            batch = rows(step, rng)
            with np.errstate(over="ignore", invalid="ignore"):  # reported below, by step
                value, grad = loss_and_grad(params, tuple(a[batch] for a in data), rng)
            history[step] = value
            if step == 0:
                runaway = RUNAWAY * max(value, _energy(data))
            above = above + 1 if value > runaway else 0
            if not np.isfinite(value) or above >= PATIENCE:
                _diverged(value, step, step_size, data)
            if progress and (step + 1) % max(1, steps // 10) == 0:
                print(f"step {step + 1:6d}/{steps}  loss {value:.3e}", file=sys.stderr, flush=True)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                update(params, grad, moments, i, rate)
    if not all(np.all(np.isfinite(v)) for v in params.values()):
        _diverged(None, steps - 1, step_size, data)
    return params, history


def batches(n, batch_size):
    """rows(step, rng) -> int (batch_size,): successive shuffles of range(n), one epoch after
    another, each drawn when it is needed."""
    if batch_size >= n:
        return lambda step, rng: np.arange(n)
    pending = np.arange(0)

    def rows(step, rng):
        nonlocal pending
        while len(pending) < batch_size:
            pending = np.concatenate([pending, rng.permutation(n)])
        batch, pending = pending[:batch_size], pending[batch_size:]
        return batch

    return rows


def _energy(data):
    """Mean squared norm of a row of the first float array of data (the loss of predicting 0)."""
    first = next(a for a in data if np.issubdtype(a.dtype, np.floating))
    return float(np.mean(np.sum(np.reshape(first, (len(first), -1)) ** 2, axis=1)))


def _diverged(value, step, step_size, data):
    what = (f"the parameters became NaN/inf at the last step {step}" if value is None else
            f"the loss became {value} at step {step}" if not np.isfinite(value) else
            f"the loss grew to {value:.3g} at step {step}, over {RUNAWAY:g}x its first value "
            f"for {PATIENCE} steps")
    scale = max(float(np.max(np.abs(a))) for a in data if np.issubdtype(a.dtype, np.floating))
    raise FloatingPointError(f"fit: {what} (training diverged); try a smaller learning rate "
                             f"step_size (it was {step_size}), or rescale the data (its largest "
                             f"|value| is {scale:.3g})")
