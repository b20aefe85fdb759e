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


# --- Weak supervision: pairs (x1, x2) whose transformation g is not given -------------

def _candidate_map(op):
    """How to apply every psi(g') at once. A permutation operator (shift, identity) is a
    gather: index int (|G|, L) with (psi(g') z)[l] = z[index[g', l]]. Any other is a stack
    of matrices (|G|, L, L). Cached on the operator."""
    if getattr(op, "_candidate_map", None) is None:
        matrices = onp.stack([op.matrix(k) for k in range(op.group.order)])  # (|G|, L, L)
        permutes = onp.all((matrices == 0) | (matrices == 1)) and onp.all(matrices.sum(axis=2) == 1)
        op._candidate_map = ("gather", onp.argmax(matrices, axis=2)) if permutes else ("matrix", matrices)
    return op._candidate_map


@primitive
def _gather_candidates(Z, index, inverse):
    """Z (B, L), index int (K, L) with every row a permutation -> (B, K, L), [b, k] = Z[b, index[k]].
    The gradient sums the K inverse gathers (inverse[k] undoes index[k]; no scatter-add)."""
    return Z[:, index]


defvjp(_gather_candidates, lambda ans, Z, index, inverse:
       lambda G: np.sum(G[:, onp.arange(len(index))[:, None], inverse], axis=1))


def candidate_scores(model, params, op, x1, x2):
    """Score every candidate g' for each pair: ‖psi(g') z1 − z2‖², z = encode(x).
    x1, x2 (B, *shape) -> (scores (B, |G|), candidates (B, |G|, L) = psi(g') z1, z1 (B, L))."""
    z1, z2 = model.encode(params, x1), model.encode(params, x2)  # (B, L) each
    kind, table = _candidate_map(op)
    candidates = _gather_candidates(z1, table, onp.argsort(table, axis=1)) if kind == "gather" \
        else np.einsum("kml,bl->bkm", table, z1)
    cross = np.matmul(candidates, z2[:, :, None])[:, :, 0]  # (B, |G|): <psi(g') z1, z2>
    scores = np.sum(candidates ** 2, axis=2) - 2 * cross + np.sum(z2 ** 2, axis=1, keepdims=True)
    return scores, candidates, z1


def _check_weak_batch(model, batch):
    if not isinstance(batch, tuple) or len(batch) != 2:
        got = f"a tuple of {len(batch)}" if isinstance(batch, tuple) else type(batch).__name__
        raise ValueError(f"batch: expected pairs (x1, x2) without g, got {got}")
    x1 = _checks.images("x1", batch[0], model.shape)
    x2 = _checks.images("x2", batch[1], model.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return batch


def _weigh(scores, candidates, tau):
    """Softmax weights w = softmax(−scores / tau) (B, |G|) and the weighted code Σ w psi(g') z1 (B, L)."""
    logits = -(scores - np.min(scores, axis=1, keepdims=True)) / tau  # max logit 0: stable
    weights = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return weights, np.matmul(weights[:, None, :], candidates)[:, 0]


def weak_loss(model, op, tau=0.1, reconstruction=1.0, consistency=0.0, anchors=None, blend="codes"):
    """Objective on a batch (x1, x2) with x2 = g·x1 for an unknown g, z = encode(x):
        scores  s_g' = ‖psi(g') z1 − z2‖²,   w = softmax_g'(−s / tau)      (B, |G|)
        loss    reconstruction * ‖decode(z1) − x1‖²  +  x2 term  +  consistency * Σ_g' w_g' s_g'
    with the x2 term, by `blend`:
        "codes"   ‖decode(Σ_g' w_g' psi(g') z1) − x2‖²   (one decode per pair)
        "errors"  Σ_g' w_g' ‖decode(psi(g') z1) − x2‖²   (every candidate decoded: |G|x dearer)
    averaged over the batch (all pairs and candidates at once, no loop). Small tau: the
    weights pick the best candidate and both blends agree. Large tau mixes candidates;
    with "codes" the weights, which depend on x2, can then copy x2 into the prediction
    without any equivariance. "errors" cannot (it is never below the best candidate's
    error): it is the one that trains with no labels at all; "codes" needs anchors. The
    consistency term (pull z2 towards the chosen psi(g') z1) is needed by both.
    anchors  optional labelled pairs (x1, g, x2): their supervised loss is added.
    Used as fit(weak_loss(model, op, ...), params, (x1, x2)); see experiments.run_weak."""
    _check_pair(model, op)
    _checks.positive("tau", tau)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)
    if blend not in ("codes", "errors"):
        raise ValueError(f"blend: expected 'codes' or 'errors', got {blend!r}")
    if anchors is not None:
        if not isinstance(anchors, tuple) or len(anchors) != 3:
            raise ValueError("anchors: expected labelled pairs (x1, g, x2), got "
                             f"{type(anchors).__name__} of length {len(anchors) if isinstance(anchors, tuple) else '?'}")
        a1, a2 = _check_weak_batch(model, (anchors[0], anchors[2]))
        anchors = (a1, _checks.elements("anchors g", anchors[1], op.group.order, length=len(a1)), a2)
        anchored = supervised_loss(model, op, reconstruction=0.0, consistency=consistency)

    def objective(params, batch, rng=None):
        x1, x2 = _check_weak_batch(model, batch)
        B = x1.shape[0]
        scores, candidates, z1 = candidate_scores(model, params, op, x1, x2)
        weights, z2 = _weigh(scores, candidates, tau)
        loss = consistency * np.sum(weights * scores)
        if blend == "errors":
            K, L = candidates.shape[1:]
            decoded = np.reshape(model.decode(params, np.reshape(candidates, (B * K, L))), (B, K, -1))
            errors = np.sum((decoded - np.reshape(x2, (B, 1, -1))) ** 2, axis=2)  # (B, |G|)
            loss = loss + np.sum(weights * errors)
            if reconstruction:  # candidate 0 is psi(e) z1 = z1
                loss = loss + reconstruction * np.sum((decoded[:, 0] - np.reshape(x1, (B, -1))) ** 2)
        else:
            decoded = model.decode(params, np.concatenate([z1, z2]) if reconstruction else z2)
            loss = loss + np.sum((decoded[-B:] - x2) ** 2)
            if reconstruction:
                loss = loss + reconstruction * np.sum((decoded[:B] - x1) ** 2)
        return loss / B + (0.0 if anchors is None else anchored(params, anchors))

    return objective


def infer(model, params, op, x1, x2):
    """The model's guess of the transformation: the best candidate argmin_g' ‖psi(g') z1 − z2‖².
    x1, x2 (B, *shape) -> int (B,), in the model's own labelling of the group."""
    _check_pair(model, op)
    x1, x2 = _check_weak_batch(model, (x1, x2))
    scores = candidate_scores(model, params, op, x1, x2)[0]
    return onp.argmin(scores, axis=1).astype(onp.intp)


def weak_predict(model, params, op, x1, x2, tau):
    """The weak loss's guess of x2: decode(Σ_g' w_g' psi(g') z1) with w = softmax(−scores / tau).
    x1, x2 (B, *shape) -> (prediction (B, *shape), weights (B, |G|))."""
    _check_pair(model, op)
    _checks.positive("tau", tau)
    x1, x2 = _check_weak_batch(model, (x1, x2))
    scores, candidates, _ = candidate_scores(model, params, op, x1, x2)
    weights, z2 = _weigh(scores, candidates, tau)
    return model.decode(params, z2), weights
