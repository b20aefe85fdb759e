import itertools

import numpy as np
import pytest

from minidisent import allocation, closed_form, data, groups, learned, posthoc, shapes


def signals(n, count, seed):
    rng = np.random.default_rng(seed)
    generic = data.random_signals(n, count, rng)
    periodic, _ = data.periodic_signals(n, count, rng)
    return np.concatenate([generic, periodic])


@pytest.mark.parametrize("seed", range(4))
def test_knapsack_is_exact_against_brute_force(seed):
    group = groups.cyclic(6)  # real irreps: 0, 3 (1 dim each), pairs {1, 5}, {2, 4} (2 dims each)
    rng = np.random.default_rng(seed)
    spectrum = [np.sort(rng.exponential(size=2))[::-1] for _ in range(6)]
    spectrum[5], spectrum[4] = spectrum[1], spectrum[2]  # conjugate irreps share their values
    irreps = allocation._real_irreps(group)
    for L in range(1, 13):
        copies = allocation.best_copies(spectrum, irreps, L)
        best = 0.0
        for c in itertools.product(range(3), repeat=len(irreps)):
            if sum(k * w for k, (_, _, w) in zip(c, irreps)) <= L:
                kept = sum(np.sum(spectrum[f][:k]) + (np.sum(spectrum[g][:k]) if g != f else 0)
                           for k, (f, g, _) in zip(c, irreps))
                best = max(best, kept)
        kept = sum(np.sum(s[:k]) for s, k in zip(spectrum, copies))
        assert abs(kept - best) < 1e-12
        assert sum(copies[f] * w for f, _, w in irreps) <= L


@pytest.mark.parametrize("L", [1, 3, 6, 11, 16])
def test_best_operator_is_a_representation_reaching_its_predicted_error(L):
    group, X = groups.cyclic(16), signals(16, 40, 0)
    best = allocation.best_operator(group, X, L)
    psi = np.stack([best.op.matrix(g) for g in range(group.order)])
    assert posthoc.homomorphism_error(group, psi) < 1e-24
    m = learned.read_multiplicities(group, psi)
    expected = best.copies.copy()
    expected[0] += L - best.dims  # unused dims are trivial
    np.testing.assert_allclose(m, expected, atol=1e-10)
    _, error = closed_form.linear(group, X, L, best.op)
    assert abs(error - best.error) < 1e-12
    if L >= 2:
        _, disentangled = closed_form.linear(group, X, L, "disentangled")
        assert best.error <= disentangled + 1e-12


def test_best_operator_beats_shift_at_equal_size_on_an_uneven_spectrum():
    group = groups.rotations(8)  # C_4 on 8 x 8 images: 16 copies of each irrep in the pixels
    rng = np.random.default_rng(0)
    symmetric, _ = shapes.symmetric_shapes((8, 8), 60, rng, kinds=("square", "plus", "rectangle"))
    X = np.concatenate([data.random_blobs((8, 8), 20, rng), symmetric])  # most energy in irrep 0
    for L in (8, 12, 16):
        _, shift = closed_form.linear(group, X, L, "shift")
        best = allocation.best_operator(group, X, L)
        assert best.error < 0.7 * shift
        assert best.copies[0] > L // 4  # more copies of the trivial irrep than shift holds
    assert allocation.best_operator(group, X, 64).error < 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="not commutative"):
        allocation.best_operator(groups.dihedral(3), np.ones((2, 3, 3)), 4)
    with pytest.raises(TypeError, match="latent_dim: expected a positive integer"):
        allocation.best_operator(groups.cyclic(4), np.ones((2, 4)), 2.0)
    with pytest.raises(ValueError, match="copies: expected at most 2 latent dims"):
        allocation.allocation_matrices(groups.cyclic(4), np.array([1, 1, 0, 1]), 2)
