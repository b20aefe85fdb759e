"""Claims about the defect per factor (chapter 07, README): on a torus Z_h x Z_w with one
rotation plane per factor, a symmetric image collapses only the planes its stabilizer turns.

Each claim trains, at its seed, linear + disentangled on defect.factor_data (generic images,
stripes along each axis, checkerboards) of the 6 x 6 torus of the course and of the 4 x 6
torus no other chapter uses, prediction only (reconstruction 0) with the consistency term
(weight 1), and scores the held-out images' whole orbits. A chapter that has trained them
hands them over: claim(seed, runs={shape: FactorRun}).
"""
from collections import namedtuple

import numpy as np

from .. import data, defect, groups, recipes
from . import common

TORI = ((6, 6), (4, 6))  # the course's torus, and one no other chapter trains on
SYMMETRIC = (1, 2, 3)  # indices into defect.FACTOR_KINDS: both stripes, checkerboards

FactorRun = namedtuple("FactorRun", "group images kind run")
FactorRun.__doc__ = """One per-factor run: the group, the held-out images (B, h, w), their kind
(int (B,) indexing defect.FACTOR_KINDS) and the recipes.Trained model fitted on the training
images."""


def factor_run(shape, seed):
    """linear + disentangled (latent 6: two planes and two invariant dimensions) trained
    recipes.FLOOR_STEPS["linear"] steps on defect.factor_data(shape, seed=seed), prediction
    only, consistency 1; scored on every pair of the held-out images' orbits."""
    group, train_pairs, X, kind = defect.factor_data(shape, seed=seed)
    run = recipes.run("linear", "disentangled", group, train_pairs, data.orbit_pairs(group, X),
                      seed=seed, latent_dim=6, reconstruction=0.0, consistency=1.0,
                      steps=recipes.FLOOR_STEPS["linear"])
    return FactorRun(group, X, kind, run)


def factor_runs(seed, runs=None):
    """{shape: FactorRun} for every torus of TORI: those in `runs`, the others trained."""
    runs = dict(runs or {})
    return {shape: runs[shape] if shape in runs else factor_run(shape, seed) for shape in TORI}


def _radii(r):
    """(radius of each plane over the median radius of that plane on generic images (B, 2),
    collapsed planes bool (B, 2))."""
    radii = defect.plane_radii(r.run.model, r.run.params, r.images, 2)
    return radii / np.median(radii[r.kind == 0], axis=0), defect.collapsed_planes(r.group, r.images)


def factor_floor(seed, runs=None):
    """On every symmetric kind (stripes along either axis, checkerboards) of both tori: the
    trained orbit error over defect.linear_floor, the floor of any linear disentangled model
    (never below 1; the model reaches it)."""
    ratios = []
    for r in factor_runs(seed, runs).values():
        for k in SYMMETRIC:
            X = r.images[r.kind == k]
            error = defect.orbit_error_split(r.run.model, r.run.params, r.run.op, X)["error"]
            ratios.append(error / defect.linear_floor(r.group, X)[1])
    worst = max(ratios, key=lambda q: abs(q - 1))
    holds = bool(1 - 1e-9 <= min(ratios) and max(ratios) <= 1.05)
    return common.Claim("factor_floor", worst, "in [1 - 1e-9, 1.05]", holds)


def turned_planes_collapse(seed, runs=None):
    """The planes a symmetric image's stabilizer turns (defect.collapsed_planes): the largest
    radius of such a plane over all symmetric held-out images of both tori, as a fraction of
    that plane's median radius on generic images."""
    worst = 0.0
    for r in factor_runs(seed, runs).values():
        relative, collapsed = _radii(r)
        worst = max(worst, relative[collapsed].max())
    return common.below("turned_planes_collapse", worst, 0.2)


def other_plane_follows(seed, runs=None):
    """Stripes (one plane collapsed): the median radius of the plane that survives, as a
    fraction of its median on generic images; the smallest over both stripe kinds and both tori."""
    smallest = np.inf
    for r in factor_runs(seed, runs).values():
        relative, collapsed = _radii(r)
        for k in (1, 2):
            rows = r.kind == k
            smallest = min(smallest, np.median(relative[rows][~collapsed[rows]]))
    return common.above("other_plane_follows", smallest, 0.5)


def stripes_follow(seed, runs=None):
    """Stripes: the trained orbit error over the orbit's spread around its mean (the error
    of a model whose whole orbit shares one code); the largest over both stripe kinds and
    both tori. Below 1: the surviving plane follows the stripe's shifts."""
    worst = 0.0
    for r in factor_runs(seed, runs).values():
        for k in (1, 2):
            X = r.images[r.kind == k]
            error = defect.orbit_error_split(r.run.model, r.run.params, r.run.op, X)["error"]
            spread = np.sum((X - X.mean(axis=(1, 2), keepdims=True)) ** 2) / np.sum(X ** 2)
            worst = max(worst, error / spread)
    return common.below("stripes_follow", worst, 0.6)


# --- The shift operator with an MLP on a torus (chapter 07, section 8) -----------------------

def mlp_shift_torus(seed, run=None):
    """Chapter 07: MLP + shift on data.shapes_2d of the 4x4 torus (1024 pairs), 2000 steps of
    the MLP recipe: the larger held-out error, generic or symmetric shapes.
    run: the recipes.Trained a chapter trained with these settings at this seed."""
    if run is None:
        group = groups.translations((4, 4))
        run = recipes.run("mlp", "shift", group, *data.shapes_2d(group, 1024, seed=seed), seed=seed,
                          steps=2000)
    errors = run.errors["prediction"]
    return common.below("mlp_shift_torus", max(errors["generic"], errors["symmetric"]), 1e-3)
