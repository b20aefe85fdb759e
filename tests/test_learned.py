import autograd.numpy as anp
import numpy as np
import pytest
from autograd import value_and_grad
from autograd.test_util import check_grads

from minidisent import characters, data, groups, learned, models, operators, posthoc


def signals(n, count, seed):
    rng = np.random.default_rng(seed)
    generic = data.random_signals(n, count, rng)
    periodic, _ = data.periodic_signals(n, count, rng)
    return np.concatenate([generic, periodic])


def test_angles_along_words_are_rotations_by_multiples():
    group = groups.cyclic(8)
    family = learned.angles(group, 5)
    params = {"psi_angles": np.array([0.3, 2 * np.pi * 3 / 8]), "psi_scalars": np.array([np.pi])}
    psi = learned.matrices(family, params)
    for m in range(8):
        np.testing.assert_allclose(psi[m][:2, :2], [[np.cos(0.3 * m), -np.sin(0.3 * m)],
                                                    [np.sin(0.3 * m), np.cos(0.3 * m)]], atol=1e-12)
        np.testing.assert_allclose(psi[m][4, 4], (-1) ** m, atol=1e-12)
    # only the first block breaks the relation psi(1)^8 = I: ‖R(8·0.3) − I‖² = 4 (1 − cos 2.4)
    penalty = learned.homomorphism_penalty(family, psi)
    assert abs(penalty - 4 * (1 - np.cos(8 * 0.3)) / (8 * 5)) < 1e-12
    params["psi_angles"][0] = 2 * np.pi / 8  # now a representation: frequencies ±1, ±3 and the sign
    psi = learned.matrices(family, params)
    assert learned.homomorphism_penalty(family, psi) < 1e-24
    np.testing.assert_allclose(learned.read_multiplicities(group, psi), [0, 1, 0, 1, 1, 1, 0, 1],
                               atol=1e-12)


@pytest.mark.parametrize("group", [groups.dihedral(3), groups.translations_rotations(3)], ids=str)
def test_free_generators_of_the_shift_operator_give_the_shift_operator(group):
    shift = operators.shift(group, group.order)
    family = learned.free(group, group.order)
    gens = family.words[0]
    params = {f"psi_{i}": shift.matrix(s) for i, s in enumerate(gens)}
    psi = learned.matrices(family, params)
    np.testing.assert_allclose(psi, [shift.matrix(g) for g in range(group.order)], atol=1e-12)
    assert learned.homomorphism_penalty(family, psi) < 1e-24
    ct = characters.character_table(group)
    np.testing.assert_allclose(learned.read_multiplicities(group, psi), ct.dims,
                               atol=1e-10)  # regular rep


def test_operator_loss_gradients():
    group = groups.cyclic(4)
    X = signals(4, 3, 1)
    pairs = data.pairs(group, X, np.random.default_rng(0))
    for family in (learned.angles(group, 3), learned.free(group, 3)):
        model = models.linear(group.shape, 3)
        rng = np.random.default_rng(0)
        params = {**model.init(rng), **family.init(rng)}
        objective = learned.operator_loss(model, family, penalty=0.5)
        check_grads(lambda p: objective(p, pairs), modes=["rev"], order=1)(params)


def _plain_loss(model, family, penalty):
    """learned.operator_loss as first written: slices of the decoded batch, Σ r ** 2, one sum per
    generator."""
    def objective(params, batch):
        x1, g, x2 = batch
        psi = learned.matrices(family, params)
        z1 = model.encode(params, x1)
        decoded = model.decode(params, anp.concatenate([z1, anp.einsum("bij,bj->bi", psi[g], z1)]))
        B = len(x1)
        fit = anp.sum((decoded[B:] - x2) ** 2) + anp.sum((decoded[:B] - x1) ** 2)
        gens = family.words[0]
        wrong = [anp.sum((anp.matmul(psi[s], psi) - psi[family.group.table[s]]) ** 2) for s in gens]
        return fit / B + penalty * sum(wrong) / (len(gens) * family.group.order * family.latent_dim)
    return objective


@pytest.mark.parametrize("group,kind,L", [(groups.cyclic(16), "free", 8),
                                          (groups.cyclic(16), "angles", 7),
                                          (groups.dihedral(3), "free", 4)], ids=str)
def test_operator_loss_and_gradient_equal_the_plain_formula_bit_for_bit(group, kind, L):
    rng = np.random.default_rng(3)
    pairs = data.pairs(group, rng.normal(size=(32,) + group.shape), rng)
    family, model = getattr(learned, kind)(group, L), models.linear(group.shape, L)
    params = {**model.init(rng), **family.init(rng)}
    fast_value, fast_grad = value_and_grad(
        lambda p: learned.operator_loss(model, family, 0.7)(p, pairs))(params)
    plain_value, plain_grad = value_and_grad(
        lambda p: _plain_loss(model, family, 0.7)(p, pairs))(params)
    assert fast_value == plain_value and fast_value > 0
    assert all(np.array_equal(fast_grad[k], plain_grad[k]) for k in params)


def test_fit_operator_learns_a_near_representation_on_a_small_group():
    group = groups.cyclic(4)
    X = signals(4, 64, 2)
    pairs = data.pairs(group, X, np.random.default_rng(0))
    result = learned.fit_operator(learned.free(group, 4), pairs, penalty=1.0, restarts=1,
                                  steps=500, seed=0)
    assert result.history[-1] < 0.1 * result.history[0]
    assert posthoc.homomorphism_error(group, result.psi) < 1e-2
    assert set(result.params) == {"encoder", "decoder"}
    assert set(result.operator_params) == {"psi_0"}
    m = learned.read_multiplicities(group, result.psi)
    assert np.abs(m - np.rint(m)).max() < 0.1


def test_bad_input():
    with pytest.raises(ValueError, match="group: angles needs a cyclic group"):
        learned.angles(groups.translations((2, 3)), 4)
    with pytest.raises(ValueError, match="penalty: expected a finite number >= 0"):
        learned.operator_loss(models.linear((4,), 2), learned.free(groups.cyclic(4), 2), penalty=-1)
