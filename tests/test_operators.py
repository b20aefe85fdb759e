"""Operator laws (psi(g)psi(h) = psi(gh), psi(e) = I), independent forms, gradients."""
import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import groups, operators

GROUPS = [groups.cyclic(5), groups.cyclic(8), groups.translations((2, 3)), groups.rotations(3),
          groups.dihedral(3), groups.translations_rotations(3)]


def operator_cases():
    for G in GROUPS:
        yield operators.shift(G, G.order)
        yield operators.shift(G, 3 * G.order)
        yield operators.identity(G, 4)
        if G.factors is not None:
            yield operators.disentangled(G, 2 * len(G.factors) + 1)


@pytest.mark.parametrize("op", list(operator_cases()), ids=repr)
def test_homomorphism(op):
    G = op.group
    M = np.stack([op.matrix(g) for g in range(G.order)])
    assert np.allclose(M[0], np.eye(op.latent_dim), rtol=0, atol=1e-15)
    for g in range(G.order):
        for h in range(G.order):
            assert np.allclose(M[g] @ M[h], M[G.table[g, h]], rtol=0, atol=1e-12)
    if op.name == "shift":  # a permutation: exact, and orthogonal
        assert np.array_equal(M @ M.transpose(0, 2, 1),
                              np.broadcast_to(np.eye(op.latent_dim), M.shape))


def test_shift_on_cyclic_is_a_roll_of_the_block_axis():
    rng = np.random.default_rng(0)
    n, d = 6, 3
    op = operators.shift(groups.cyclic(n), n * d)
    Z, g = rng.normal(size=(10, n * d)), rng.integers(0, n, 10)
    expected = np.stack([np.roll(z.reshape(n, d), m, axis=0).ravel() for z, m in zip(Z, g)])
    assert np.array_equal(op(Z, g), expected)


def test_shift_is_the_regular_representation():
    # with d = 1 the shift operator acts on functions on G exactly like G acts on itself
    G = groups.dihedral(3)
    op = operators.shift(G, G.order)
    for g in range(G.order):
        e_h = np.eye(G.order)  # row h: the indicator of element h
        moved = op(e_h, np.full(G.order, g))
        assert np.array_equal(moved.argmax(axis=1), G.table[g])  # psi(g) e_h = e_{g∘h}


def test_disentangled_rotates_each_plane():
    G = groups.translations((4, 6))
    op = operators.disentangled(G, 5)
    z = np.array([[1.0, 0.0, 1.0, 0.0, 7.0]])
    out = op(z, np.array([1 * 6 + 2]))[0]  # shift (1, 2): angles 2π/4 and 2π·2/6
    assert np.allclose(out, [np.cos(np.pi / 2), np.sin(np.pi / 2),
                             np.cos(2 * np.pi / 3), np.sin(2 * np.pi / 3), 7.0], atol=1e-15)


@pytest.mark.parametrize("op", list(operator_cases()), ids=repr)
def test_gradients(op):
    rng = np.random.default_rng(1)
    Z, g = rng.normal(size=(4, op.latent_dim)), rng.integers(0, op.group.order, 4)
    check_grads(lambda Z: op(Z, g), modes=["rev"], order=2)(Z)


def test_from_matrices_applies_one_matrix_per_element():
    group = groups.dihedral(3)  # order 8, not commutative
    shift = operators.shift(group, 8)
    maps = np.stack([shift.matrix(g) for g in range(8)])  # (|G|, L, L)
    op = operators.from_matrices(group, maps, "shift matrices")
    rng = np.random.default_rng(2)
    Z, g = rng.normal(size=(16, 8)), rng.integers(0, 8, 16)
    np.testing.assert_allclose(op(Z, g), shift(Z, g), atol=1e-12)
    assert op.name == "shift matrices" and op.latent_dim == 8 and op.maps.shape == (8, 8, 8)
    check_grads(lambda Z: op(Z, g), modes=["rev"], order=2)(Z)


@pytest.mark.parametrize("call, error, words", [
    (lambda: operators.from_matrices(groups.cyclic(4), np.zeros((3, 2, 2))), ValueError,
     "maps: expected shape (4, L, L), got (3, 2, 2)"),
    (lambda: operators.from_matrices(groups.cyclic(4), np.zeros((4, 2, 3))), ValueError,
     "maps: expected shape (4, L, L)"),
    (lambda: operators.shift(groups.cyclic(4), 6), ValueError, "multiple of |G| = 4"),
    (lambda: operators.shift(groups.cyclic(4), 0), ValueError, "latent_dim"),
    (lambda: operators.disentangled(groups.dihedral(3), 8), ValueError, "not commutative"),
    (lambda: operators.disentangled(groups.translations((2, 2)), 3), ValueError, "at least 4"),
    (lambda: operators.shift(groups.cyclic(4), 4)(np.zeros((2, 5)), np.array([0, 1])), ValueError,
     "(B, 4)"),
    (lambda: operators.shift(groups.cyclic(4), 4)(np.zeros((2, 4)), np.array([0, 9])), ValueError,
     "[0, 4)"),
    (lambda: operators.shift(groups.cyclic(4), 4)(np.zeros((2, 4)), np.array([0])), ValueError,
     "2 group elements"),
])
def test_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
