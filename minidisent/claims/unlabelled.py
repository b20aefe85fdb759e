"""Claims about learning without g (chapter 08): anchors, no labels, exactness, 2D.
Each claim takes the run a chapter trained (run=...) and trains it itself when not given."""
import functools

import numpy as np

from .. import data, groups, weak
from . import common
from .supervised import chapter05_run


# --- Weak supervision (chapter 08) --------------------------------------------------------

def weak_run(seed, anchors=32):
    """weak.run_weak on the course's 1D task (data.signals_1d) with `anchors` labels."""
    group, train_pairs, test_pairs = data.signals_1d(seed=seed)
    return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=anchors, seed=seed)


# weak_run(seed, anchors=k) as a function of the seed alone, one per k the claims use (the
# sweep trains each once per seed and hands it to every claim that needs it)
ANCHORED = {k: functools.partial(weak_run, anchors=k) for k in (32, 16, 8, 0)}


def free_pairs(seed):
    """Chapter 08's data with no labels at all: generic Z_16 signals, 512 training and then
    512 held-out pairs drawn from default_rng(seed). Returns (group, train_pairs, test_pairs)."""
    group, rng = groups.cyclic(16), np.random.default_rng(seed)
    train_pairs = data.pairs(group, data.random_signals(16, 512, rng), rng)
    return group, train_pairs, data.pairs(group, data.random_signals(16, 512, rng), rng)


def weak_free_run(seed):
    """Chapter 08's run with no labels: weak.run_weak on free_pairs(seed), 300 steps per
    temperature."""
    group, train_pairs, test_pairs = free_pairs(seed)
    return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=0, steps=300, seed=seed)


@common.needs(run=weak_free_run)
def weak_free(seed, run=None):
    """No labels, generic signals (chapter 08): coset accuracy after the best relabelling."""
    coset = (weak_free_run(seed) if run is None else run).coset
    return common.Claim("weak_free", coset, ">= 0.99", bool(coset >= 0.99))


def weak_anchors(anchors):
    """The claim weak_anchors_<anchors>: coset accuracy on held-out pairs of
    weak_run(seed, anchors)."""
    @common.needs(run=ANCHORED[anchors])
    def claim(seed, run=None):
        coset = (weak_run(seed, anchors) if run is None else run).coset
        return common.Claim(f"weak_anchors_{anchors}", coset, ">= 0.99", bool(coset >= 0.99))
    claim.__name__ = f"weak_anchors_{anchors}"
    claim.__doc__ = (f"Weak supervision with {anchors} labelled pairs (weak_run(seed, {anchors}), "
                     "trained if not given as run): coset accuracy on held-out pairs.")
    return claim


weak_anchors_32, weak_anchors_16, weak_anchors_8, weak_anchors_0 = (
    weak_anchors(k) for k in (32, 16, 8, 0))


@common.needs(run=ANCHORED[32])
def weak_exact(seed, run=None):
    """Weak supervision with 32 anchors (weak_run(seed, 32)): the held-out prediction error
    of x2."""
    return common.below("weak_exact", (weak_run(seed, 32) if run is None else run).error, 1e-6)


@common.needs(run=ANCHORED[32], supervised=chapter05_run)
def weak_vs_supervised(seed, run=None, supervised=None):
    """Weak supervision with 32 anchors against recipes.run's supervised linear + shift on
    the same pairs (chapter 05's plain recipe, chapter05_run): the ratio of their held-out
    errors."""
    run = weak_run(seed, 32) if run is None else run
    supervised = chapter05_run(seed) if supervised is None else supervised
    ratio = run.error / supervised.errors["prediction"]["all"]
    return common.below("weak_vs_supervised", ratio, 10)


def weak_2d_run(seed):
    """Chapter 08's 2D run: translations of 8x8 images (data.images_2d), 64 anchors,
    consistency 3, batches of 32."""
    group, train_pairs, test_pairs = data.images_2d(groups.translations((8, 8)), seed=seed)
    return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=64, consistency=3.0,
                         batch_size=32, seed=seed)


@common.needs(run=weak_2d_run)
def weak_2d(seed, run=None):
    """Chapter 08's 2D run: coset accuracy on held-out pairs."""
    coset = (weak_2d_run(seed) if run is None else run).coset
    return common.Claim("weak_2d", coset, ">= 0.99", bool(coset >= 0.99))


@common.needs(run=weak_2d_run)
def weak_2d_exact(seed, run=None):
    """Chapter 08's 2D run: held-out prediction error of x2 (a rate: at most seeds a few
    training pairs keep a wrong self-label, and the last, supervised stage fits them)."""
    return common.below("weak_2d_exact", (weak_2d_run(seed) if run is None else run).error, 1e-4)
