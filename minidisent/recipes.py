"""Recipes shared by the chapters, the main job and the benchmark: build a model and an
operator by name, train it on pairs with train.fit, and score it with metrics.by_symmetry.
What recipes.run does is the four lines chapter 02 writes out (a model, an operator, a loss,
train.fit; chapter 05 the same with the loss inside the call to fit), then it scores the model:

    model = models.linear(shape, L)
    op = operators.shift(G, L)
    loss = train.supervised_loss(model, op)
    params, history = train.fit(loss, model.init(rng), pairs, ...)
    errors = metrics.by_symmetry(model, params, op, test_pairs)
"""
import time
from collections import namedtuple

import numpy as np

from . import _checks, closed_form, fast, metrics, models, operators, train

# Adam settings that reach the numbers of the course (see chapters 05 and 06). A linear
# model's step_size is in the units of its weights; an MLP's is a fraction of each array's
# initial scale (fit_in_units): every layer moves by about a tenth of its own size per step,
# whatever its fan-in, the gain and the latent size. The MLP starts near its linear regime
# (build's gain=0.1): from the default init (gain 1) the same 2000 steps leave a larger
# held-out error (chapter 06).
SETTINGS = {
    "linear": dict(steps=2000, batch_size=64, step_size=3e-2, decay=1e-2),
    "mlp": dict(steps=2000, batch_size=64, step_size=1e-1, decay=1e-2),
}
# With whiten=True (linear models): every direction of the data has unit energy, so a
# smaller step decayed further reaches the exact solution (Z_64 signals: 1e-8 in 1000
# steps, against 1e-3 unwhitened with SETTINGS; see minidisent.claims). 750 steps are too
# few: the 1D signals stop near 3e-4 at some seeds.
WHITENED = dict(steps=1000, batch_size=64, step_size=1e-2, decay=1e-3)
# ... and recipes.run(whiten=True) runs that schedule again, from where it stopped, while the
# training loss over the energy of the whitened targets is above 1e-7 and still falls
# tenfold a round, at most three rounds (fit_whitened). Every data set of the course is below
# 1e-7 after one round (the same numbers as before); polar C6 digits at latent 144 are not
# (1e-4 after one round, 4e-8 after two).
WHITENED_STOP = dict(target=1e-7, rounds=3)
# A model that cannot be exact (no operator; the disentangled operator on data with symmetric
# images) settles at its error floor long before an exact one reaches 1e-6: this many steps
# of the same schedule leave its held-out error no worse than three times as many would
# (claims.floors_settled, at every seed). The chapters train such models this long.
FLOOR_STEPS = {"linear": 500, "mlp": 400}


def build(kind, operator, group, latent_dim, hidden=(64,), gain=0.1):
    """(model, op) for kind in {"linear", "mlp"} and an operator named in operators.OPERATORS
    (with fast.py's arithmetic: the same numbers); `hidden` and `gain` (models.mlp) shape the
    MLP."""
    if kind not in SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(SETTINGS)}, got {kind!r}")
    op = operators.make(operator, group, latent_dim)
    model = models.linear(group.shape, latent_dim) if kind == "linear" else \
        models.mlp(group.shape, latent_dim, hidden, gain)
    return model, fast.accelerate(op)


Trained = namedtuple("Trained", "kind operator model op params history seconds errors")
Trained.__doc__ = """One trained model: kind ("linear" or "mlp"), operator name, model, op, params,
history (loss per step), seconds of training, errors (metrics.by_symmetry on the test pairs)."""


def run(kind, operator, group, train_pairs, test_pairs, latent_dim=None, seed=0,
        consistency=0.0, progress=False, reconstruction=1.0, model_options=None, whiten=False,
        **overrides):
    """Train one model on train_pairs and score it on test_pairs; `model_options` (e.g.
    dict(gain=1.0)) go to build, `overrides` to train.fit. Returns a Trained tuple.
    whiten (linear models only): train on the pairs (W x1, g, W x2), W = C_G^{-1/2} of
    closed_form.whitening (it commutes with the group, so these are pairs of the same task),
    then fold W into the encoder and W^{-1} into the decoder: the returned params act on the
    original images. Adam then sees every isotypic component with unit energy instead of
    energies spread over ten decades (see whitened)."""
    _checks.seed("seed", seed)
    if whiten and kind != "linear":
        raise ValueError(f"whiten: expected False for kind {kind!r} (only a linear model folds the "
                         f"filter into its weights), got {whiten!r}")
    unknown = sorted(set(overrides) - set(SETTINGS.get(kind, overrides)))
    if unknown:
        raise TypeError("overrides: expected some of the fit settings "
                        f"{sorted(SETTINGS['linear'])}, got {unknown}")
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim, **(model_options or {}))
    settings = {**(WHITENED if whiten else SETTINGS[kind]), **overrides}
    start = time.perf_counter()
    objective = fast.supervised_loss(model, op, reconstruction, consistency)
    init = model.init(np.random.default_rng(seed))
    if whiten:
        params, history = fit_whitened(group, objective, init, train_pairs, seed=seed,
                                       progress=progress, **WHITENED_STOP, **settings)
    else:
        params, history = fit(kind, objective, init, train_pairs, seed=seed, progress=progress,
                              **settings)
    return scored(kind, operator, model, op, params, history, time.perf_counter() - start,
                  test_pairs)


def scored(kind, operator, model, op, params, history, seconds, test_pairs):
    """The Trained tuple of a model trained elsewhere (chapters 02 and 05 train theirs in a
    visible cell), scored like run's: metrics.by_symmetry on test_pairs."""
    return Trained(kind, operator, model, op, params, history, seconds,
                   metrics.by_symmetry(model, params, op, test_pairs))


def fit(kind, objective, params, data, **settings):
    """The recipe's optimiser for a model of this kind: train.fit for a linear model (its
    step_size in the units of the weights), fit_in_units for an MLP (its step_size a fraction
    of each array's scale). Returns (params, history)."""
    if kind not in SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(SETTINGS)}, got {kind!r}")
    return (train.fit if kind == "linear" else fit_in_units)(objective, params, data, **settings)


def scales(params):
    """{key: s}: the size of each array of params, the standard deviation of a weight matrix
    (models.mlp starts one at gain / sqrt(fan_in) in the first layer of each part and
    1 / (gain sqrt(fan_in)) in its last); a bias (key "..._b{i}", zero at the start) gets the
    scale of its layer's weights "..._w{i}", and an array of zero spread gets 1."""
    spread = {k: float(np.std(v)) for k, v in params.items()}
    size = {k: s if np.isfinite(s) and s > 0 else 1.0 for k, s in spread.items()}
    return {k: size.get(k.replace("_b", "_w"), size[k]) if "_b" in k else size[k]
            for k in params}


def fit_in_units(objective, params, data, **settings):
    """train.fit in units of each array's scale (scales(params)): params = s * u, and Adam
    trains u, so step_size is a fraction of each array's own size. Why: Adam moves every entry
    by about step_size whatever the entry's size. In plain units, step 1e-2 moved the first
    layers of a Z_16 model (0.1 / sqrt(16) = 0.025) by 40% of their size per step; the first
    layer of a decoder from a latent of 144 starts at 0.1 / sqrt(144) = 0.008, below the step,
    and the layer after it (1 / gain) amplifies the change: on polar digits at latent 144 the
    MLP diverged, or MLP + shift stalled at 0.25 where linear + shift is exact. In units,
    every layer moves by the same fraction of itself at any width. The objective's gradient
    (objective.value_and_grad, fast.py) and check are carried over.
    Returns (params in plain units, history)."""
    size = scales(_checks.param_dict(params))

    def plain(units):
        return {k: u * size[k] for k, u in units.items()}

    def in_units(units, batch, rng=None):
        return objective(plain(units), batch, rng)

    if hasattr(objective, "value_and_grad"):
        def value_and_grad(units, batch, rng=None):
            value, grad = objective.value_and_grad(plain(units), batch, rng)
            return value, {k: g * size[k] for k, g in grad.items()}  # d/du = s d/dparams
        in_units.value_and_grad = value_and_grad
    if hasattr(objective, "check"):
        in_units.check = lambda units, data: objective.check(plain(units), data)
    units, history = train.fit(in_units, {k: np.asarray(v) / size[k] for k, v in params.items()},
                               data, **settings)
    return plain(units), history


def fit_whitened(group, objective, params, pairs, target=None, rounds=1, **settings):
    """train.fit of a linear model's objective on the pairs whitened by
    closed_form.whitening(group, their images), then the filter folded into the weights:
    z = (x W) E', x̂ = (z D') W^{-1}. Returns (params for the original images, history).
    rounds > 1: the schedule `settings` is run again from where it stopped (seed + 1, ...)
    while the training loss over the whitened targets' energy is above `target` and the last
    round lowered it at least tenfold, at most `rounds` times (recipes.run: WHITENED_STOP)."""
    x1, g, x2 = pairs
    W, W_inverse = closed_form.whitening(group, np.concatenate([x1, x2]))
    white_pairs = whitened(pairs, W)
    energy = float(np.mean(np.sum(white_pairs[2].reshape(len(x2), -1) ** 2, axis=1)))
    white, histories, previous = params, [], np.inf
    for r in range(rounds):
        seed = settings.get("seed", 0) + r
        white, history = train.fit(objective, white, white_pairs, **{**settings, "seed": seed})
        histories.append(history)
        if r + 1 == rounds:
            break
        loss = float(objective(white, white_pairs)) / energy
        if (target is not None and loss <= target) or loss > previous / 10:
            break
        previous = loss
    params = {"encoder": W @ white["encoder"], "decoder": white["decoder"] @ W_inverse}
    return params, np.concatenate(histories)


def whitened(pairs, W):
    """Pairs (x1, g, x2) -> (x1 W, g, x2 W), images flattened for W (n, n) and reshaped back.
    If W commutes with the group, x2 W = g·(x1 W): the same task on filtered images."""
    x1, g, x2 = pairs
    return ((x1.reshape(len(x1), -1) @ W).reshape(x1.shape), g,
            (x2.reshape(len(x2), -1) @ W).reshape(x2.shape))


def table(results):
    """Results of `run` as a fixed-width text table: one row per trained model with the
    held-out prediction error (generic, symmetric), the equivariance error and train time."""
    head = (f"{'model':<7} {'operator':<13} {'pred. generic':>13} {'pred. symmetric':>15} "
            f"{'equiv. error':>12} {'train s':>7}")
    lines = [head, "-" * len(head)]
    for r in results:
        e = r.errors
        name = "no operator" if r.operator == "identity" else r.operator
        lines.append(f"{r.kind:<7} {name:<13} {e['prediction']['generic']:>13.1e} "
                     f"{e['prediction']['symmetric']:>15.1e} {e['equivariance']['all']:>12.1e} "
                     f"{r.seconds:>7.1f}")
    return "\n".join(lines)
