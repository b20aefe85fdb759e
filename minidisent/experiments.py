"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import _checks, data, groups, metrics, models, operators, train

# Adam settings that reach the numbers of the course (see chapters 05 and 06).
SETTINGS = {
    "linear": dict(steps=2000, batch_size=64, step_size=3e-2, decay=1e-2),
    "mlp": dict(steps=3000, batch_size=64, step_size=1e-2, decay=1e-2),
}
OPERATORS = {"shift": operators.shift, "disentangled": operators.disentangled,
             "identity": operators.identity}


def signals_1d(n=16, count=512, seed=0):
    """The 1D toy task on Z_n: half generic, half periodic signals (periods: every proper
    divisor of n), as training and held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)
    group = groups.cyclic(n)

    def draw():
        generic = data.random_signals(n, count // 2, rng)
        symmetric, _ = data.periodic_signals(n, count - count // 2, rng)
        return data.pairs(group, np.concatenate([generic, symmetric]), rng)

    return group, draw(), draw()


def build(kind, operator, group, latent_dim, hidden=(64,)):
    """(model, op) for kind in {"linear", "mlp"} and operator in OPERATORS."""
    if kind not in SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(SETTINGS)}, got {kind!r}")
    if operator not in OPERATORS:
        raise ValueError(f"operator: expected one of {sorted(OPERATORS)}, got {operator!r}")
    model = models.linear(group.shape, latent_dim) if kind == "linear" else \
        models.mlp(group.shape, latent_dim, hidden)
    return model, OPERATORS[operator](group, latent_dim)


def run(kind, operator, group, train_pairs, test_pairs, latent_dim=None, seed=0,
        consistency=0.0, progress=False, reconstruction=1.0, **overrides):
    """Train one model on train_pairs and score it on test_pairs. Returns a dict with
    model, op, params, history, seconds and the errors of metrics.by_symmetry."""
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim)
    settings = {**SETTINGS[kind], **overrides}
    start = time.perf_counter()
    params, history = train.fit(train.supervised_loss(model, op, reconstruction, consistency),
                                model.init(np.random.default_rng(seed)), train_pairs,
                                seed=seed, progress=progress, **settings)
    return dict(kind=kind, operator=operator, model=model, op=op, params=params,
                history=history, seconds=time.perf_counter() - start,
                errors=metrics.by_symmetry(model, params, op, test_pairs))


# ---- The topological defect (chapter 03) -------------------------------------------

def orbit_pairs(group, X):
    """Every pair (x, g, g·x) for each image x of X (B, *shape) and each g in the group:
    (x1 (B·|G|, *shape), g int (B·|G|,), x2 (B·|G|, *shape)), image-major. On these pairs
    the prediction error is directly comparable with metrics.orbit_lower_bound(group, X)[1]."""
    X = _checks.images("X", X, group.shape)
    g = np.tile(np.arange(group.order), len(X))
    x1 = np.repeat(X, group.order, axis=0)
    return x1, g, group.act(x1, g)


def orbit_error_split(model, params, op, X):
    """The x2 error of a trained model on every pair (x, g, g·x) of the images X (B, *shape),
    split around the orbit lower bound. With P_g the prediction for g·x, c = mean_g P_g
    its part constant in g and m = mean_g g·x the orbit's mean,
        Σ_g ‖P_g − g·x‖² = |G| ‖c − m‖²  +  Σ_g ‖(P_g − c) − (g·x − m)‖²
    (the cross term vanishes because both varying parts average to zero over g).
    For the linear disentangled model on Z_n, P_g − c only holds the frequencies ±1 in g,
    which a symmetric signal lacks, so the varying term is the bound plus Σ_g ‖P_g − c‖².
    Returns a dict of relative errors (each over Σ_g ‖g·x‖²), floats:
        error          prediction error of x2 on the orbits
        bound          metrics.orbit_lower_bound(op.group, X)[1]
        constant       |G| Σ‖c − m‖²: what the g-independent latent adds beyond the orbit's mean
        varying        error − constant (≥ bound for the linear disentangled model)
        reconstruction relative error of decode(encode(x)) against x (the x1 term)
    """
    G = op.group
    X = _checks.images("X", X, G.shape)
    pred = train.predict(model, params, op, *orbit_pairs(G, X)[:2]).reshape((len(X), G.order, -1))
    orbit = X.reshape(len(X), -1)[:, G.perms]  # (B, |G|, n_pixels): row g is g·x
    energy = np.sum(orbit ** 2)
    error = float(np.sum((pred - orbit) ** 2) / energy)
    constant = float(G.order * np.sum((pred.mean(axis=1) - orbit.mean(axis=1)) ** 2) / energy)
    return dict(error=error, bound=metrics.orbit_lower_bound(G, X)[1], constant=constant,
                varying=error - constant,
                reconstruction=metrics.relative_error(model.decode(params, model.encode(params, X)), X))
