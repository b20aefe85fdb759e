import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import value_and_grad
from autograd.test_util import check_grads

from minidisent import (characters, closed_form, data, groups, learned, models, operators,
                        posthoc, shapes)


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
    irreps = learned._real_irreps(group)
    for L in range(1, 13):
        copies = learned.best_copies(spectrum, irreps, L)
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
    best = learned.best_operator(group, X, L)
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
        best = learned.best_operator(group, X, L)
        assert best.error < 0.7 * shift
        assert best.copies[0] > L // 4  # more copies of the trivial irrep than shift holds
    assert learned.best_operator(group, X, 64).error < 1e-12


def test_angles_along_words_are_rotations_by_multiples():
    group = groups.cyclic(8)
    param = learned.angles(group, 5)
    params = {"psi_angles": np.array([0.3, 2 * np.pi * 3 / 8]), "psi_scalars": np.array([np.pi])}
    psi = learned.matrices(param, params)
    for m in range(8):
        np.testing.assert_allclose(psi[m][:2, :2], [[np.cos(0.3 * m), -np.sin(0.3 * m)],
                                                    [np.sin(0.3 * m), np.cos(0.3 * m)]], atol=1e-12)
        np.testing.assert_allclose(psi[m][4, 4], (-1) ** m, atol=1e-12)
    # only the first block breaks the relation psi(1)^8 = I: ‖R(8·0.3) − I‖² = 4 (1 − cos 2.4)
    penalty = learned.homomorphism_penalty(param, psi)
    assert abs(penalty - 4 * (1 - np.cos(8 * 0.3)) / (8 * 5)) < 1e-12
    params["psi_angles"][0] = 2 * np.pi / 8  # now a representation: frequencies ±1, ±3 and the sign
    psi = learned.matrices(param, params)
    assert learned.homomorphism_penalty(param, psi) < 1e-24
    np.testing.assert_allclose(learned.read_multiplicities(group, psi), [0, 1, 0, 1, 1, 1, 0, 1],
                               atol=1e-12)


@pytest.mark.parametrize("group", [groups.dihedral(3), groups.translations_rotations(3)], ids=str)
def test_free_generators_of_the_shift_operator_give_the_shift_operator(group):
    shift = operators.shift(group, group.order)
    param = learned.free(group, group.order)
    gens = param.words[0]
    params = {f"psi_{i}": shift.matrix(s) for i, s in enumerate(gens)}
    psi = learned.matrices(param, params)
    np.testing.assert_allclose(psi, [shift.matrix(g) for g in range(group.order)], atol=1e-12)
    assert learned.homomorphism_penalty(param, psi) < 1e-24
    ct = characters.character_table(group)
    np.testing.assert_allclose(learned.read_multiplicities(group, psi), ct.dims,
                               atol=1e-10)  # regular rep


def test_loss_gradients():
    group = groups.cyclic(4)
    X = signals(4, 3, 1)
    pairs = data.pairs(group, X, np.random.default_rng(0))
    for param in (learned.angles(group, 3), learned.free(group, 3)):
        model = models.linear(group.shape, 3)
        rng = np.random.default_rng(0)
        params = {**model.init(rng), **param.init(rng)}
        objective = learned.loss(model, param, penalty=0.5)
        check_grads(lambda p: objective(p, pairs), modes=["rev"], order=1)(params)


def _plain_loss(model, param, penalty):
    """learned.loss as first written: slices of the decoded batch, Σ r ** 2, one sum per
    generator."""
    def objective(params, batch):
        x1, g, x2 = batch
        psi = learned.matrices(param, params)
        z1 = model.encode(params, x1)
        decoded = model.decode(params, anp.concatenate([z1, anp.einsum("bij,bj->bi", psi[g], z1)]))
        B = len(x1)
        fit = anp.sum((decoded[B:] - x2) ** 2) + anp.sum((decoded[:B] - x1) ** 2)
        gens = param.words[0]
        wrong = [anp.sum((anp.matmul(psi[s], psi) - psi[param.group.table[s]]) ** 2) for s in gens]
        return fit / B + penalty * sum(wrong) / (len(gens) * param.group.order * param.latent_dim)
    return objective


@pytest.mark.parametrize("group,kind,L", [(groups.cyclic(16), "free", 8),
                                          (groups.cyclic(16), "angles", 7),
                                          (groups.dihedral(3), "free", 4)], ids=str)
def test_loss_and_gradient_equal_the_plain_formula_bit_for_bit(group, kind, L):
    rng = np.random.default_rng(3)
    pairs = data.pairs(group, rng.normal(size=(32,) + group.shape), rng)
    param, model = getattr(learned, kind)(group, L), models.linear(group.shape, L)
    params = {**model.init(rng), **param.init(rng)}
    fast_value, fast_grad = value_and_grad(
        lambda p: learned.loss(model, param, 0.7)(p, pairs))(params)
    plain_value, plain_grad = value_and_grad(
        lambda p: _plain_loss(model, param, 0.7)(p, pairs))(params)
    assert fast_value == plain_value and fast_value > 0
    assert all(np.array_equal(fast_grad[k], plain_grad[k]) for k in params)


def test_fit_learns_a_near_representation_on_a_small_group():
    group = groups.cyclic(4)
    X = signals(4, 64, 2)
    pairs = data.pairs(group, X, np.random.default_rng(0))
    result = learned.fit(learned.free(group, 4), pairs, penalty=1.0, restarts=1, steps=500, seed=0)
    assert result.history[-1] < 0.1 * result.history[0]
    assert posthoc.homomorphism_error(group, result.psi) < 1e-2
    assert set(result.params) == {"encoder", "decoder"}
    assert set(result.operator_params) == {"psi_0"}
    m = learned.read_multiplicities(group, result.psi)
    assert np.abs(m - np.rint(m)).max() < 0.1


def test_bad_input():
    with pytest.raises(ValueError, match="group: angles needs a cyclic group"):
        learned.angles(groups.translations((2, 3)), 4)
    with pytest.raises(ValueError, match="not commutative"):
        learned.best_operator(groups.dihedral(3), np.ones((2, 3, 3)), 4)
    with pytest.raises(TypeError, match="latent_dim: expected a positive integer"):
        learned.best_operator(groups.cyclic(4), np.ones((2, 4)), 2.0)
    with pytest.raises(ValueError, match="penalty: expected a finite number >= 0"):
        learned.loss(models.linear((4,), 2), learned.free(groups.cyclic(4), 2), penalty=-1)
    with pytest.raises(ValueError, match="copies: expected at most 2 latent dims"):
        learned.allocation_matrices(groups.cyclic(4), np.array([1, 1, 0, 1]), 2)
