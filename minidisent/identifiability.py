"""Identifiability (chapter 08): how well a transformation inferred without labels is recovered.

A pair (x1, x2 = g·x1) only fixes g up to the stabilizer H of x1: every g' in the coset gH
maps x1 to x2 too. And a model trained with no labels names the elements in its own way:
if it learned encode(g·x) = psi(sigma(g)) encode(x) for an automorphism sigma of G, its
guesses are sigma(g) instead of g, and fit the data just as well.
"""
import numpy as np

from . import _checks, _chunks


def coset_correct(group, x1, g, x2):
    """bool (B,): g[b]·x1[b] == x2[b] exactly, i.e. g[b] lies in the coset g_true·Stab(x1[b])."""
    x1 = _checks.images("x1", x1, group.shape)
    x2 = _checks.images("x2", x2, group.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    g = _checks.elements("g", g, group.order, length=len(x1))
    return np.all(group.act(x1, g) == x2, axis=tuple(range(1, x1.ndim)))


def coset_accuracy(group, x1, g, x2):
    """Fraction of pairs with g·x1 == x2 exactly: a guess anywhere in g_true·Stab(x1) counts."""
    return float(np.mean(coset_correct(group, x1, g, x2)))


def strict_accuracy(g, g_true, order):
    """Fraction of guesses equal to the given element: g, g_true int (B,)."""
    g_true = _checks.elements("g_true", g_true, order)
    g = _checks.elements("g", g, order, length=len(g_true))
    return float(np.mean(g == g_true))


def automorphisms(group):
    """Every automorphism of a product of cyclic groups Z_n1 x ... x Z_nk (group.factors):
    int (A, |G|), row sigma with sigma[g] the image of g, the identity first. A homomorphism
    is fixed by the images y_i of the generators e_i, any elements with n_i·y_i = 0; it is
    an automorphism when it is a bijection. (For Z_n: g -> a·g with gcd(a, n) = 1.)"""
    if group.factors is None:
        raise ValueError(f"group: automorphisms are enumerated for products of cyclic groups "
                         f"(cyclic, translations, rotations), {group.name} has no cyclic factors")
    order = group.order
    powers = np.zeros((order, max(group.factors) + 1), dtype=np.intp)  # powers[y, m] = y^m
    for m in range(1, powers.shape[1]):
        powers[:, m] = group.table[np.arange(order), powers[:, m - 1]]
    coords = group.coordinates(np.arange(order))  # (|G|, k) exponents m_i of each element
    maps = np.zeros((1, order), dtype=np.intp)  # images of sum_{j<i} m_j e_j, per choice so far
    for i, n in enumerate(group.factors):
        images = np.flatnonzero(powers[:, n] == 0)  # the y with y^n = e
        step = powers[images][:, coords[:, i]]  # (choices, |G|): y^{m_i} for each element
        maps = group.table[maps[:, None, :], step[None, :, :]].reshape(-1, order)
    bijective = np.all(np.sort(maps, axis=1) == np.arange(order), axis=1)
    maps = maps[bijective]
    first = np.flatnonzero(np.all(maps == np.arange(order), axis=1))
    return np.concatenate([maps[first], np.delete(maps, first, axis=0)])


def relabel(sigma, g):
    """Guesses in the model's labelling g = sigma(g_true) back in the group's: sigma⁻¹(g)."""
    return np.argsort(sigma)[g]


def best_relabelling(group, x1, g, x2):
    """With no labels: the automorphism sigma that maximises the coset accuracy of
    relabel(sigma, g). Returns (sigma int (|G|,), accuracy). Ties go to the earliest
    automorphism, so the identity wins when it is as good as any."""
    correct = _coset_table(group, x1, x2)  # (B, |G|)
    g = _checks.elements("g", g, group.order, length=len(correct))
    inverses = np.argsort(automorphisms(group), axis=1)  # (A, |G|)
    scores = np.concatenate([correct[np.arange(len(g)), part[:, g]].sum(axis=1)  # (A,)
                             for part in _chunks.chunks(inverses, len(g))])  # (a, B) at once
    best = int(np.argmax(scores))
    return np.argsort(inverses[best]), float(scores[best] / len(g))


def anchored_relabelling(group, g, g_true):
    """With a handful of labelled pairs: the automorphism sigma with the most guesses
    g == sigma(g_true) on them (ties to the earliest). Returns sigma int (|G|,)."""
    g_true = _checks.elements("g_true", g_true, group.order)
    g = _checks.elements("g", g, group.order, length=len(g_true))
    maps = automorphisms(group)
    return maps[int(np.argmax(np.sum(maps[:, g_true] == g, axis=1)))]


def generator_images(group, sigma):
    """sigma as an int matrix (k, k): row i holds the exponents of sigma(e_i), e_i the
    generator of the i-th cyclic factor. For Z_n, [[a]] means g -> a·g."""
    if group.factors is None:
        raise ValueError(f"group: {group.name} has no cyclic factors")
    k = len(group.factors)
    generators = np.ravel_multi_index(tuple(np.eye(k, dtype=int).T), group.factors)
    return group.coordinates(np.asarray(sigma)[generators])


def accuracy_by_stabilizer(group, x1, g, g_true, x2):
    """Strict and coset accuracy split by |Stab(x1)|: {size: (count, strict, coset)}."""
    sizes = group.stabilizer_sizes(x1)
    right = coset_correct(group, x1, g, x2)
    same = _checks.elements("g", g, group.order) == _checks.elements("g_true", g_true, group.order,
                                                                     length=len(g))
    return {int(s): (int(np.sum(sizes == s)), float(np.mean(same[sizes == s])),
                     float(np.mean(right[sizes == s]))) for s in np.unique(sizes)}


def _coset_table(group, x1, x2):
    """bool (B, |G|): entry [b, h] says h·x1[b] == x2[b]."""
    x1 = _checks.images("x1", x1, group.shape)
    x2 = _checks.images("x2", x2, group.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    a, b = x1.reshape(len(x1), -1), x2.reshape(len(x2), -1)
    # rows per chunk: (rows, |G|, n_pixels) at once
    size = len(_chunks.chunks(a, group.perms.size)[0])
    return np.concatenate([np.all(a[i:i + size, group.perms] == b[i:i + size, None, :], axis=2)
                           for i in range(0, len(a), size)])  # row h of a[:, perms] is h·x1
