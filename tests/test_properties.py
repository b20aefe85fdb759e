"""Property tests over many groups drawn with a fixed seed: group laws, `act` against explicit
permutation matrices and against numpy's roll/rot90, orbit–stabilizer, and every operator a
homomorphism. Each property is checked by a computation independent of the one under test."""
import functools

import numpy as np
import pytest

from minidisent import groups, operators

SEED = np.random.default_rng(20261128)


def _random_generators(n, count):
    return [list(SEED.permutation(n)) for _ in range(count)]


# (constructor, argument, expected order or None); sizes drawn once, with the seed above.
SPECS = ([("cyclic", 1, 1)] + [("cyclic", int(n), int(n)) for n in SEED.integers(2, 40, size=6)]
         + [("translations", (int(h), int(w)), int(h * w)) for h,
            w in SEED.integers(1, 8, size=(5, 2))]
         + [("translations", (1, 5), 5), ("translations", (1, 1), 1)]
         + [("rotations", int(n), 4) for n in SEED.integers(2, 7, size=3)]
         + [("dihedral", n, 8) for n in (2, 3, 4)]
         + [("translations_rotations", n, 4 * n * n) for n in (3, 4)]
         + [("generate", ((int(n),), _random_generators(int(n), 1)),
             None) for n in SEED.integers(3, 9, size=3)]
         + [("generate", ((2, 2), _random_generators(4, 2)), None),
            ("generate", ((4,), _random_generators(4, 2)), None)])
IDS = [f"{name}{arg if name != 'generate' else arg[0]}-{i}" for i,
       (name, arg, _) in enumerate(SPECS)]


@functools.lru_cache(maxsize=None)
def group(index):
    name, arg, _ = SPECS[index]
    if name == "generate":
        return groups.generate(*arg)
    return getattr(groups, name)(arg)


every_group = pytest.mark.parametrize("index", range(len(SPECS)), ids=IDS)


def images(G, count, rng):
    """Float images with small integer values: exact sums, and many accidental symmetries."""
    return rng.integers(0, 3, size=(count,) + G.shape).astype(float)


def matrices(G):
    """P[g] (|G|, n, n) with (g·x).ravel() == P[g] @ x.ravel(): row i of P[g] picks pixel
    perms[g][i]."""
    return np.eye(G.n_pixels)[G.perms]


@every_group
def test_group_laws(index):
    G, expected = group(index), SPECS[index][2]
    T, e = G.table, np.arange(G.order)
    if expected is not None:
        assert G.order == expected
    assert np.array_equal(T[0], e) and np.array_equal(T[:, 0], e)  # 0 is the identity
    assert np.array_equal(np.sort(T, axis=0), np.broadcast_to(e[:, None], T.shape))  # Latin square
    assert np.array_equal(np.sort(T, axis=1), np.broadcast_to(e, T.shape))
    assert np.all(T[e, G.inverse] == 0) and np.all(T[G.inverse, e] == 0)  # inverses, both sides
    assert np.array_equal(T[T[:, :, None], e], T[e[:, None, None], T[None]])  # (gh)k == g(hk)
    assert G.commutative == np.array_equal(T, T.T)


@every_group
def test_act_is_the_permutation_matrix_and_a_homomorphism(index):
    G, rng = group(index), np.random.default_rng(index)
    P = matrices(G)
    X = images(G, G.order, rng) + rng.normal(size=(G.order,) + G.shape)
    g = rng.permutation(G.order)
    expected = np.einsum("bij,bj->bi", P[g], X.reshape(G.order, -1))
    assert np.array_equal(G.act(X, g).reshape(G.order, -1), expected)
    # P[g∘h] == P[g] P[h] for every pair: the table composes what act does
    assert np.array_equal(P[G.table], np.einsum("gij,hjk->ghik", P, P))
    h = rng.integers(0, G.order, size=G.order)
    assert np.array_equal(G.act(G.act(X, h), g), G.act(X, G.table[g, h]))
    assert np.array_equal(G.orbit(X[0]),
                          G.act(np.repeat(X[:1], G.order, axis=0), np.arange(G.order)))


@pytest.mark.parametrize("shape", [(int(n),) for n in SEED.integers(1, 30, size=4)]
                         + [tuple(int(s) for s in SEED.integers(1, 9, size=2)) for _ in range(4)])
def test_cyclic_and_translations_are_numpy_rolls(shape):
    G = groups.cyclic(shape[0]) if len(shape) == 1 else groups.translations(shape)
    x = np.random.default_rng(len(shape)).normal(size=shape)
    for g in range(G.order):
        shifts = np.unravel_index(g, shape)
        assert np.array_equal(G.act(x, g), np.roll(x, shifts, axis=tuple(range(len(shape)))))


@pytest.mark.parametrize("n", range(2, 7))
def test_rotations_are_numpy_rot90(n):
    G, x = groups.rotations(n), np.random.default_rng(n).normal(size=(n, n))
    for k in range(4):
        assert np.array_equal(G.act(x, k), np.rot90(x, k))


def symmetric_images(G, rng):
    """Images fixed by a random cyclic subgroup H = <s>: the orbit sum of an integer image
    (exact in floating point), with H as a list of elements."""
    s = int(rng.integers(G.order))
    H = [0]
    while G.table[s, H[-1]] != 0:
        H.append(int(G.table[s, H[-1]]))
    X = images(G, 3, rng)
    return sum(G.act(X, np.full(3, h)) for h in H), H


@every_group
def test_orbit_stabilizer(index):
    G, rng = group(index), np.random.default_rng(100 + index)
    symmetric, H = symmetric_images(G, rng)
    for x in list(images(G, 3, rng)) + list(symmetric):
        orbit = G.orbit(x).reshape(G.order, -1)
        distinct = len(np.unique(orbit, axis=0))
        stabilizer = G.stabilizer(x)
        assert distinct * len(stabilizer) == G.order
        # the stabilizer is a subgroup, found independently as the g with P[g] x == x
        P = matrices(G)
        assert set(stabilizer) == {g for g in range(G.order)
                                   if np.array_equal(P[g] @ x.ravel(), x.ravel())}
        assert set(G.table[np.ix_(stabilizer, stabilizer)].ravel()) == set(stabilizer)
    assert all(set(H) <= set(G.stabilizer(x)) for x in symmetric)
    assert np.array_equal(G.stabilizer_sizes(symmetric), [len(G.stabilizer(x)) for x in symmetric])


def operator_cases():
    for index in range(len(SPECS)):
        d = 1 + index % 3
        yield pytest.param(index, "shift", d, id=f"shift-d{d}-{IDS[index]}")
        yield pytest.param(index, "identity", 3, id=f"identity-{IDS[index]}")
        if SPECS[index][0] in ("cyclic", "translations", "rotations"):
            yield pytest.param(index, "disentangled", 2 * (1 + index % 2) + 1,
                               id=f"disentangled-{IDS[index]}")


@pytest.mark.parametrize("index, name, d", list(operator_cases()))
def test_operator_is_a_homomorphism(index, name, d):
    G, rng = group(index), np.random.default_rng(200 + index)
    latent = G.order * d if name == "shift" else max(d, 2 * len(G.factors or ()))
    op = getattr(operators, name)(G, latent)
    B = 3 * G.order
    Z = rng.normal(size=(B, latent))
    g, h = rng.integers(0, G.order, size=B), rng.integers(0, G.order, size=B)
    np.testing.assert_allclose(op(op(Z, h), g), op(Z, G.table[g, h]), rtol=0, atol=1e-12)
    assert np.array_equal(op(Z, np.zeros(B, int)), Z)  # psi(e) = I exactly
    a, b = g[:20], h[:20]  # as matrices, on a sample of pairs
    Ma, Mb, Mab = (np.stack([op.matrix(k) for k in ks]) for ks in (a, b, G.table[a, b]))
    np.testing.assert_allclose(Mab, Ma @ Mb, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(Ma, 1, 2) @ Ma,
                               np.broadcast_to(np.eye(latent), Ma.shape),
                               rtol=0, atol=1e-12)  # orthogonal: codes keep their norm


@every_group
def test_shift_operator_is_the_regular_representation(index):
    """psi(g) sends the h-th block to the (g∘h)-th: the defining property of the regular
    representation, checked on one-hot blocks."""
    G, d = group(index), 2
    op = operators.shift(G, G.order * d)
    g, h = np.repeat(np.arange(G.order), G.order), np.tile(np.arange(G.order), G.order)
    Z = np.zeros((len(h), G.order, d))
    Z[np.arange(len(h)), h] = [1.0, 2.0]
    moved = op(Z.reshape(len(h), -1), g).reshape(len(h), G.order, d)
    expected = np.zeros_like(Z)
    expected[np.arange(len(h)), G.table[g, h]] = [1.0, 2.0]
    assert np.array_equal(moved, expected)


def test_stabilizer_sizes_in_chunks_match_one_image_at_a_time():
    """stabilizer_sizes works through a large batch in chunks (bounded memory); the sizes agree
    with stabilizer() image by image, symmetric images included."""
    G, rng = groups.translations((16, 16)), np.random.default_rng(7)
    X = rng.integers(0, 2, size=(150, 16, 16)).astype(float)
    X[::3] = np.tile(X[::3, :4, :8], (1, 4, 2))  # period (4, 8): 8 translations fix these
    sizes = G.stabilizer_sizes(X)
    assert np.array_equal(sizes, [len(G.stabilizer(x)) for x in X])
    assert np.all(sizes[::3] >= 8) and 2 ** 22 // G.perms.size < len(X)  # several chunks were used
