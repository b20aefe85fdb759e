"""The topological defect for SO(2) (chapter 13): polar patterns with k-fold symmetry (their
stabilizer contains C_k), pairs with α uniform on the circle, and the linear models with the
band-limited and the disentangled operator, scored per fold against so2.orbit_bound.
"""
from collections import namedtuple

import numpy as np

from . import _checks, angle_operators, models, so2, train

RADII, ANGLES, FOLDS = 2, 17, (1, 2, 3, 4)  # fold 1: generic patterns
SETTINGS = dict(steps=500, batch_size=64, step_size=1e-2, decay=1e-2)

Task = namedtuple("Task", "pairs test multiplicities")
Task.__doc__ = """pairs (x1, alpha, x2) for training; test {fold: patterns (64, RADII, ANGLES)};
multiplicities of the band-limited operator: every frequency 0..(ANGLES-1)/2, RADII times."""


def task(seed=0, per_fold=128, count=2048):
    """Training pairs of per_fold patterns of every fold in FOLDS, α uniform on [0, 2π), and
    64 held-out patterns of each fold. Returns a Task."""
    _checks.seed("seed", seed)
    rng = np.random.default_rng(seed)
    patterns = np.concatenate([so2.patterns(per_fold, RADII, ANGLES, k, rng) for k in FOLDS])
    test = {k: so2.patterns(64, RADII, ANGLES, k, rng) for k in FOLDS}
    return Task(angle_operators.pairs(patterns, count, rng), test, np.full(ANGLES // 2 + 1, RADII))


def train_linear(task, name, seed=0):
    """A linear model with the operator `name` trained on task.pairs by train.fit, prediction
    loss alone (pairs near α = 0 ask for reconstruction). Returns (model, params, op)."""
    op = angle_operators.operator(name, RADII * ANGLES, task.multiplicities)
    model = models.linear((RADII, ANGLES), op.latent_dim)
    objective = angle_operators.supervised_loss(model, op, reconstruction=0.0)
    params, _ = train.fit(objective, model.init(np.random.default_rng(seed)), task.pairs, seed=seed,
                          **SETTINGS)
    return model, params, op


def table(task, runs, test_angles):
    """{fold: (orbit bound, {name: mean error over test_angles})} for runs {name: (model, params,
    op)} on the held-out patterns of each fold."""
    def mean_error(run, P):
        return float(np.mean(angle_operators.error_by_angle(*run, P, test_angles)))
    return {k: (so2.orbit_bound(P)[1], {name: mean_error(run, P) for name, run in runs.items()})
            for k, P in task.test.items()}
