"""Group laws, checked against independent constructions (np.roll, np.rot90, index maths)."""
import numpy as np
import pytest

from minidisent import groups

ALL = [groups.cyclic(1), groups.cyclic(7), groups.cyclic(16), groups.translations((3, 4)),
       groups.translations((4, 4)), groups.rotations(4), groups.rotations(5),
       groups.dihedral(3), groups.translations_rotations(3)]


@pytest.mark.parametrize("G", ALL, ids=repr)
def test_group_laws(G):
    e, T, inv = 0, G.table, G.inverse
    assert np.array_equal(T[e], np.arange(G.order)) and np.array_equal(T[:, e], np.arange(G.order))
    assert np.array_equal(T[np.arange(G.order), inv], np.zeros(G.order, int))
    assert np.array_equal(T[inv, np.arange(G.order)], np.zeros(G.order, int))
    # associativity: (g∘h)∘k == g∘(h∘k) for all triples
    left = T[T[:, :, None], np.arange(G.order)[None, None, :]]  # (g∘h)∘k
    right = T[np.arange(G.order)[:, None, None], T[None, :, :]]  # g∘(h∘k)
    assert np.array_equal(left, right)
    # every row and column of the table is a permutation (closure + cancellation)
    assert np.array_equal(np.sort(T, axis=1), np.broadcast_to(np.arange(G.order), T.shape))


@pytest.mark.parametrize("G", ALL, ids=repr)
def test_act_is_a_homomorphism(G):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50,) + G.shape)
    g, h = rng.integers(0, G.order, 50), rng.integers(0, G.order, 50)
    assert np.array_equal(G.act(G.act(X, h), g), G.act(X, G.table[g, h]))
    assert np.array_equal(G.act(X, np.zeros(50, int)), X)


def test_cyclic_and_translations_match_np_roll():
    rng = np.random.default_rng(1)
    x = rng.normal(size=9)
    G = groups.cyclic(9)
    assert all(np.array_equal(G.orbit(x)[m], np.roll(x, m)) for m in range(9))
    assert np.array_equal(G.table, (np.arange(9)[:, None] + np.arange(9)) % 9)
    img = rng.normal(size=(3, 5))
    T = groups.translations((3, 5))
    for g in range(15):
        a, b = divmod(g, 5)
        assert np.array_equal(T.orbit(img)[g], np.roll(img, (a, b), axis=(0, 1)))
    assert np.array_equal(T.coordinates(np.arange(15)), np.stack(np.divmod(np.arange(15), 5), 1))


def test_rotations_match_np_rot90():
    img = np.random.default_rng(2).normal(size=(5, 5))
    R = groups.rotations(5)
    assert all(np.array_equal(R.orbit(img)[k], np.rot90(img, k)) for k in range(4))


@pytest.mark.parametrize("n", [4, 5, 6])
def test_generated_orders(n):
    G = groups.translations_rotations(n)
    assert G.order == 4 * n * n and not G.commutative
    D = groups.dihedral(n)
    assert D.order == 8 and not D.commutative


def test_orbit_stabilizer_counts():
    rng = np.random.default_rng(3)
    G = groups.cyclic(12)
    for period in (1, 2, 3, 4, 6, 12):
        x = np.tile(rng.normal(size=period), 12 // period)
        orbit_size = len(np.unique(G.orbit(x), axis=0))
        stab = G.stabilizer(x)
        assert orbit_size * len(stab) == G.order
        assert np.array_equal(stab, np.arange(0, 12, period))
    plus = np.zeros((5, 5))
    plus[2, :] = plus[:, 2] = 1.0
    R = groups.rotations(5)
    assert np.array_equal(R.stabilizer(plus), np.arange(4))
    assert np.array_equal(R.stabilizer_sizes(np.stack([plus, rng.normal(size=(5, 5))])), [4, 1])


def test_single_image_act():
    G = groups.cyclic(5)
    x = np.arange(5.0)
    assert np.array_equal(G.act(x, 2), np.roll(x, 2))


@pytest.mark.parametrize("call, error, words", [
    (lambda: groups.Group("bad", (3,), [[0, 1, 2], [0, 0, 1]]), ValueError, "permutation"),
    (lambda: groups.Group("bad", (3,), [[1, 0, 2]]), ValueError, "identity"),
    (lambda: groups.Group("bad", (3,), [[0, 1, 2], [1, 2, 0]]), ValueError, "closed"),
    (lambda: groups.generate((2, 2), [[0, 1, 2]]), ValueError, "4 pixels"),
    (lambda: groups.generate((2, 2), [[0, 1, 1, 2]]), ValueError, "permutation"),
    (lambda: groups.cyclic(0), ValueError, "n"),
    (lambda: groups.cyclic(2.5), TypeError, "n"),
    (lambda: groups.translations(4), TypeError, "shape"),
    (lambda: groups.cyclic(4).act(np.zeros((2, 5)), np.array([0, 1])), ValueError, "(B, 4)"),
    (lambda: groups.cyclic(4).act(np.zeros((2, 4)), np.array([0, 4])), ValueError, "[0, 4)"),
    (lambda: groups.cyclic(4).act(np.zeros((2, 4)), np.array([0])), ValueError, "2 group elements"),
    (lambda: groups.cyclic(4).act(np.zeros((1, 4)), np.array([0.0])), TypeError, "integer"),
    (lambda: groups.cyclic(4).act(np.full((1, 4), np.nan), np.array([0])), ValueError, "finite"),
    (lambda: groups.cyclic(4).act(np.zeros((1, 4), int), np.array([0])), TypeError, "float"),
])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)
