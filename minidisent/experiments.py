"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import data, groups, metrics, models, operators, train

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
        consistency=0.0, progress=False, **overrides):
    """Train one model on train_pairs and score it on test_pairs. Returns a dict with
    model, op, params, history, seconds and the errors of metrics.by_symmetry."""
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim)
    settings = {**SETTINGS[kind], **overrides}
    start = time.perf_counter()
    params, history = train.fit(train.supervised_loss(model, op, consistency=consistency),
                                model.init(np.random.default_rng(seed)), train_pairs,
                                seed=seed, progress=progress, **settings)
    return dict(kind=kind, operator=operator, model=model, op=op, params=params,
                history=history, seconds=time.perf_counter() - start,
                errors=metrics.by_symmetry(model, params, op, test_pairs))


# --- two dimensions ---------------------------------------------------------------------
def groups_2d(n=6):
    """The 2D groups of the course on an n x n torus, by short name."""
    return {"translations": groups.translations((n, n)), "rotations": groups.rotations(n),
            "translations_rotations": groups.translations_rotations(n),
            "dihedral": groups.dihedral(n)}


def shapes_2d(group, count=256, seed=0):
    """The 2D toy task for any group on images of two axes: half generic random shapes,
    half shapes that the group fixes non-trivially (data.mixed_shapes), as training and
    held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)

    def draw():
        return data.pairs(group, data.mixed_shapes(group, count, rng), rng)

    return draw(), draw()


def pixel_orbits(group):
    """The number of orbits of the group on pixel positions. The pixel representation is
    a sum of one permutation representation per orbit, each contained once in the
    regular representation, so a shift-operator latent of |G| x pixel_orbits(group)
    dimensions can hold any image exactly and equivariantly."""
    return len({tuple(np.unique(column)) for column in group.perms.T})


def regular_latent_dim(group):
    """|G| * pixel_orbits(group): the latent size used for the shift operator in 2D."""
    return group.order * pixel_orbits(group)
