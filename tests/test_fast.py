"""fast.py gives the same numbers as the plain method it speeds up: values and gradients,
bit for bit, on a cyclic, a 2D and a non-commutative group."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import value_and_grad
from autograd.test_util import check_grads

from minidisent import data, fast, groups, models, operators, train, weak

GROUPS = [groups.cyclic(8), groups.translations((3, 4)), groups.translations_rotations(3)]
CASES = [(G, name) for G in GROUPS for name in ("shift", "stacked_shift", "disentangled")
         if G.factors is not None or name == "shift"]


@pytest.mark.parametrize("group,name", CASES, ids=lambda x: getattr(x, "name", x))
def test_accelerated_operator_equals_the_plain_one_bit_for_bit(group, name):
    rng = np.random.default_rng(1)
    L = 2 * group.order + (1 if name == "disentangled" else 0)  # 2·|G|, odd for the planes
    plain = operators.make(name, group, L)
    quick = fast.accelerate(plain)
    assert (quick.name, quick.group, quick.latent_dim) == (plain.name, plain.group,
                                                           plain.latent_dim)
    Z, g, W = rng.normal(size=(30, L)), rng.integers(0, group.order, 30), rng.normal(size=(30, L))
    assert np.array_equal(quick.apply(Z, g), plain.apply(Z, g))
    value_fast, grad_fast = value_and_grad(lambda Z: anp.sum(W * quick.apply(Z, g) ** 2))(Z)
    value_plain, grad_plain = value_and_grad(lambda Z: anp.sum(W * plain.apply(Z, g) ** 2))(Z)
    assert value_fast == value_plain and np.array_equal(grad_fast, grad_plain)
    check_grads(lambda Z: quick.apply(Z, g), modes=["rev"])(Z)


def test_an_operator_without_a_fast_version_comes_back_unchanged():
    op = operators.identity(groups.cyclic(4), 3)
    assert fast.accelerate(op) is op


@pytest.mark.parametrize("group", GROUPS, ids=str)
@pytest.mark.parametrize("kind", ["linear", "mlp"])
@pytest.mark.parametrize("reconstruction,consistency", [(1.0, 0.0), (0.0, 0.5), (0.3, 2.0)])
def test_supervised_loss_and_gradient_equal_the_plain_loss_bit_for_bit(group, kind, reconstruction,
                                                                        consistency):
    rng = np.random.default_rng(4)
    L = 2 * group.order
    model = models.linear(group.shape, L) if kind == "linear" else models.mlp(group.shape, L, (16,))
    op = operators.shift(group, L)
    pairs = data.pairs(group, rng.normal(size=(24,) + group.shape), rng)
    params = model.init(rng)
    quick = value_and_grad(fast.supervised_loss(model, op, reconstruction, consistency))(params,
                                                                                         pairs)
    plain = value_and_grad(train.supervised_loss(model, op, reconstruction, consistency))(params,
                                                                                          pairs)
    assert quick[0] == plain[0]
    for k in params:
        assert np.array_equal(quick[1][k], plain[1][k])


def test_a_whole_fit_is_bit_for_bit_the_same():
    group, pairs, _ = data.signals_1d(8, count=64)
    model, op = models.mlp(8, 8, (8,)), operators.shift(group, 8)
    params = model.init(np.random.default_rng(0))
    settings = dict(steps=40, batch_size=16, step_size=1e-2, decay=0.1, seed=3)
    quick, quick_history = train.fit(fast.supervised_loss(model, op, consistency=1.0), params,
                                     pairs, **settings)
    plain, plain_history = train.fit(train.supervised_loss(model, op, consistency=1.0), params,
                                     pairs, **settings)
    assert np.array_equal(quick_history, plain_history)
    assert all(np.array_equal(quick[k], plain[k]) for k in params)


def test_value_and_grad_of_is_autograds_value_and_grad_bit_for_bit():
    """The list-of-arrays gradient that fast objectives carry, and a whole fit through it."""
    group, pairs, _ = data.signals_1d(8, count=64)
    model, op = models.mlp(8, 8, (6,), 0.1), operators.shift(group, 8)
    objective = fast.supervised_loss(model, op, 0.5, 1.0)
    params = model.init(np.random.default_rng(1))
    listed, plain = objective.value_and_grad(params, pairs), value_and_grad(objective)(params,
                                                                                       pairs)
    assert listed[0] == plain[0] and list(listed[1]) == list(plain[1])
    assert all(np.array_equal(listed[1][k], plain[1][k]) for k in params)
    fitted, history = train.fit(objective, params, pairs, steps=5, batch_size=64, step_size=1e-2)
    mine = {k: v.copy() for k, v in params.items()}
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in mine.items()}
    for i in range(5):
        value, grad = value_and_grad(objective)(mine, pairs)
        assert value == history[i]
        train.adam_step(mine, grad, moments, i, 1e-2)
    assert all(np.array_equal(fitted[k], mine[k]) for k in params)


def test_permute_blocks_is_a_blockwise_gather_with_its_gradient():
    rng = np.random.default_rng(9)
    blocks = np.stack([rng.permutation(4) for _ in range(5)])
    Z = rng.normal(size=(5, 4 * 3))
    expected = np.stack([Z[b].reshape(4, 3)[blocks[b]].ravel() for b in range(5)])
    assert np.array_equal(fast.permute_blocks(Z, blocks, np.argsort(blocks, axis=1)), expected)
    check_grads(lambda Z: fast.permute_blocks(Z, blocks, np.argsort(blocks, axis=1)),
                modes=["rev"])(Z)
    index = np.stack([rng.permutation(7) for _ in range(5)])
    Z = rng.normal(size=(5, 7))
    assert np.array_equal(fast.permute_rows(Z, index, np.argsort(index, axis=1)),
                          np.take_along_axis(Z, index, axis=1))


def test_squared_norm_is_the_sum_of_squares_with_its_gradient():
    r = np.random.default_rng(3).normal(size=(4, 3, 2))
    assert fast.squared_norm(r) == np.sum(r ** 2)
    assert np.array_equal(value_and_grad(fast.squared_norm)(r)[1],
                          value_and_grad(lambda r: anp.sum(r ** 2))(r)[1])
    check_grads(fast.squared_norm, modes=["rev"])(r)


@pytest.mark.parametrize("group", GROUPS, ids=str)
def test_gathered_candidates_equal_the_stack_of_matrices(group):
    rng = np.random.default_rng(5)
    op = operators.shift(group, group.order)
    Z, W = rng.normal(size=(6, group.order)), rng.normal(size=(6, group.order, group.order))
    matrices = np.stack([op.matrix(k) for k in range(group.order)])
    gathered = weak.candidates_of(op)
    plain = lambda Z: anp.einsum("kml,bl->bkm", matrices, Z)  # noqa: E731
    assert np.array_equal(gathered(Z), plain(Z))
    value_fast, grad_fast = value_and_grad(lambda Z: anp.sum(W * gathered(Z)))(Z)
    value_plain, grad_plain = value_and_grad(lambda Z: anp.sum(W * plain(Z)))(Z)
    assert value_fast == value_plain
    np.testing.assert_allclose(grad_fast, grad_plain, rtol=0, atol=1e-12)  # sums in another order
