"""Losses and training.

An objective is a function objective(params, batch, rng) -> scalar, built by a loss
constructor from a model and an operator; `fit` minimises it with autograd's Adam on
minibatches of a data tuple such as the pairs (x1, g, x2) from data.pairs.
"""
import sys

import autograd.numpy as np
import numpy as onp
from autograd import value_and_grad
from autograd.misc.optimizers import adam

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
        decoded = model.decode(params, np.concatenate([z1, z2]) if reconstruction else z2)
        loss = np.sum((decoded[-B:] - x2) ** 2)
        if reconstruction:
            loss = loss + reconstruction * np.sum((decoded[:B] - x1) ** 2)
        if consistency:
            loss = loss + consistency * np.sum((model.encode(params, x2) - z2) ** 2)
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
    stages = 1 if decay == 1 else 10
    ends = onp.linspace(0, steps, stages + 1).astype(int)
    for stage in range(stages):
        start = ends[stage]

        def gradient(p, i):
            step = start + i
            value, grad = loss_and_grad(p, tuple(a[rows[step]] for a in data), rng)
            if not onp.isfinite(value):
                raise FloatingPointError(f"fit: the loss became {value} at step {step}; "
                                         f"try a smaller step_size (it was {step_size})")
            history[step] = value
            if progress and (step + 1) % max(1, steps // 10) == 0:
                print(f"step {step + 1:6d}/{steps}  loss {value:.3e}", file=sys.stderr, flush=True)
            return grad

        rate = step_size * decay ** (stage / max(1, stages - 1))
        params = adam(gradient, params, num_iters=ends[stage + 1] - start, step_size=rate)
    return params, history


def gaussian_kl(mean, log_variance):
    """KL( N(mean, diag(exp(log_variance))) ‖ N(0, I) ) per row, in closed form:
        ½ Σ_j (mean_j² + exp(log_variance_j) − 1 − log_variance_j).
    mean, log_variance (B, L) -> (B,)."""
    return 0.5 * np.sum(mean ** 2 + np.exp(log_variance) - 1.0 - log_variance, axis=1)


def vae_loss(model, beta=1.0, noise_std=0.1, capacity=None):
    """Negative ELBO of a models.vae on a batch whose first array is the images X (B, *shape),
    averaged over the batch (any further arrays of the batch, such as g and x2, are ignored):
        ‖decode(z) − x‖² / (2 noise_std²)  +  beta · KL(q(z|x) ‖ N(0, I)),
        z = mean + exp(log_variance / 2) · ε,  ε ~ N(0, I) drawn from the objective's rng
    (the Gaussian likelihood N(x; decode(z), noise_std² I) up to its constant). beta = 1 is
    the VAE, beta > 1 the β-VAE. With a capacity C the KL term becomes beta · |KL − C|
    (the batch-mean KL pushed towards C: the capacity-controlled variant; raise C in
    stages, see baselines.fit_vae)."""
    if not hasattr(model, "posterior"):
        raise TypeError(f"model: expected a models.vae (with a posterior), got {getattr(model, 'name', model)!r}")
    _checks.nonnegative("beta", beta)
    _checks.positive("noise_std", noise_std)
    if capacity is not None:
        _checks.nonnegative("capacity", capacity)

    def objective(params, batch, rng):
        _checks.generator("rng", rng)
        X = batch[0]
        mean, log_variance = model.posterior(params, X)  # (B, L) each
        z = mean + np.exp(0.5 * log_variance) * rng.normal(size=mean.shape)
        squared = np.sum(np.reshape(model.decode(params, z) - X, (X.shape[0], -1)) ** 2, axis=1)
        kl = np.mean(gaussian_kl(mean, log_variance))  # nats per image
        prior = kl if capacity is None else np.abs(kl - capacity)
        return np.mean(squared) / (2 * noise_std ** 2) + beta * prior

    return objective
