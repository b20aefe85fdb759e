"""Claims about learning without g (chapter 08): anchors, no labels, exactness, 2D."""
import numpy as np

from .. import data, groups, recipes, weak
from . import common


# --- Weak supervision (chapter 08) --------------------------------------------------------

def weak_run(seed, anchors):
    """weak.run_weak on the course's 1D task (data.signals_1d) with `anchors` labels."""
    def compute():
        group, train_pairs, test_pairs = data.signals_1d(seed=seed)
        return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=anchors, seed=seed)
    return common.kept(("weak", seed, anchors), compute)


def weak_free_run(seed):
    """Chapter 08's run with no labels at all: generic Z_16 signals (512 training and 512
    held-out pairs drawn from default_rng(seed)), 300 steps per temperature."""
    def compute():
        group, rng = groups.cyclic(16), np.random.default_rng(seed)
        train_pairs = data.pairs(group, data.random_signals(16, 512, rng), rng)
        test_pairs = data.pairs(group, data.random_signals(16, 512, rng), rng)
        return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=0, steps=300, seed=seed)
    return common.kept(("weak free", seed), compute)


def weak_free(seed):
    """No labels, generic signals (chapter 08): coset accuracy after the best relabelling."""
    coset = weak_free_run(seed).coset
    return common.Claim("weak_free", coset, ">= 0.99", bool(coset >= 0.99))


def weak_anchors(anchors):
    def claim(seed):
        return common.Claim(f"weak_anchors_{anchors}", weak_run(seed, anchors).coset, ">= 0.99",
                     bool(weak_run(seed, anchors).coset >= 0.99))
    claim.__name__ = f"weak_anchors_{anchors}"
    claim.__doc__ = f"Weak supervision with {anchors} labelled pairs: coset accuracy on held-out pairs."
    return claim


weak_anchors_32, weak_anchors_16, weak_anchors_8, weak_anchors_0 = (weak_anchors(k) for k in (32, 16, 8, 0))


def weak_exact(seed):
    """Weak supervision with 32 anchors: the held-out prediction error of x2."""
    return common.below("weak_exact", weak_run(seed, 32).error, 1e-6)


def weak_vs_supervised(seed):
    """Weak supervision with 32 anchors against recipes.run's supervised linear + shift on
    the same pairs (chapter 05's plain recipe): the ratio of their held-out errors."""
    group, train_pairs, test_pairs = data.signals_1d(seed=seed)
    supervised = common.kept(("chapter05", seed), lambda: recipes.run("linear", "shift", group, train_pairs,
                                                                 test_pairs, seed=seed))
    return common.below("weak_vs_supervised", weak_run(seed, 32).error / supervised.errors["prediction"]["all"], 10)


def weak_2d_run(seed):
    """Chapter 08's 2D run: translations of 8x8 images (data.images_2d), 64 anchors,
    consistency 3, batches of 32."""
    def compute():
        group, train_pairs, test_pairs = data.images_2d(groups.translations((8, 8)), seed=seed)
        return weak.run_weak("linear", group, train_pairs, test_pairs, anchors=64, consistency=3.0,
                             batch_size=32, seed=seed)
    return common.kept(("weak 2d", seed), compute)


def weak_2d(seed):
    """Chapter 08's 2D run: coset accuracy on held-out pairs."""
    coset = weak_2d_run(seed).coset
    return common.Claim("weak_2d", coset, ">= 0.99", bool(coset >= 0.99))


def weak_2d_exact(seed):
    """Chapter 08's 2D run: held-out prediction error of x2 (a rate: at most seeds a few
    training pairs keep a wrong self-label, and the last, supervised stage fits them)."""
    return common.below("weak_2d_exact", weak_2d_run(seed).error, 1e-4)
