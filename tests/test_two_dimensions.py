"""Two dimensions: translations of a torus, 90° rotations, translations + rotations (p4)
and the dihedral group; their operators, 2D toy shapes, and the trained claims at small
size. Each check compares against an independent construction (np.roll, np.rot90,
explicit matrix products)."""
import itertools

import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import data, groups, operators, recipes, representations, sampling, shapes

GROUPS_2D = {
    "translations 3x4": lambda: groups.translations((3, 4)),
    "translations 4x4": lambda: groups.translations((4, 4)),
    "rotations 4": lambda: groups.rotations(4),
    "rotations 5": lambda: groups.rotations(5),
    "p4 4": lambda: groups.translations_rotations(4),
    "p4 5": lambda: groups.translations_rotations(5),
    "dihedral 4": lambda: groups.dihedral(4),
    "dihedral 5": lambda: groups.dihedral(5),
}


@pytest.fixture(params=sorted(GROUPS_2D), scope="module")
def group(request):
    return GROUPS_2D[request.param]()


def test_group_laws(group):
    perms, table, order = group.perms, group.table, group.order
    assert np.array_equal(perms[0], np.arange(group.n_pixels))  # identity
    for g, h in itertools.product(range(order), repeat=2):  # table[g, h] is g∘h: h first
        assert np.array_equal(perms[table[g, h]], perms[h][perms[g]])
    assert np.all(table[np.arange(order), group.inverse] == 0)
    assert np.all(table[group.inverse, np.arange(order)] == 0)
    left = table[table[:, :, None], np.arange(order)[None, None, :]]  # (g∘h)∘k
    right = table[np.arange(order)[:, None, None], table[None, :, :]]  # g∘(h∘k)
    assert np.array_equal(left, right)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(order,) + group.shape)
    g, h = rng.permutation(order), rng.integers(0, order, order)
    assert np.array_equal(group.act(group.act(x, h), g), group.act(x, table[g, h]))


def _grid(n):
    return np.arange(n * n).reshape(n, n)


@pytest.mark.parametrize("n", [4, 5, 6])
def test_translations_rotations_order_and_elements(n):
    G = groups.translations_rotations(n)
    assert G.order == 4 * n * n and not G.commutative
    g, h = np.argwhere(G.table != G.table.T)[0]
    assert not np.array_equal(G.perms[G.table[g, h]], G.perms[G.table[h, g]])
    # independently: every np.roll(np.rot90(x, k), (a, b)) and nothing else
    expected = {np.roll(np.rot90(_grid(n), k), (a, b), axis=(0, 1)).tobytes()
                for k in range(4) for a in range(n) for b in range(n)}
    assert {p.astype(_grid(n).dtype).tobytes() for p in G.perms} == expected


@pytest.mark.parametrize("n", [3, 4])
def test_dihedral_order_and_elements(n):
    G = groups.dihedral(n)
    assert G.order == 8 and not G.commutative
    expected = {np.rot90(f, k).tobytes() for k in range(4) for f in (_grid(n), _grid(n)[:, ::-1])}
    assert {p.astype(_grid(n).dtype).tobytes() for p in G.perms} == expected


@pytest.mark.parametrize("n", [4, 5])
def test_exact_rotations_and_translations_are_rot90_and_roll(n):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, n))
    R = groups.rotations(n)
    for k in range(4):
        assert np.array_equal(R.act(x, k), np.rot90(x, k))
    assert np.array_equal(R.act(R.act(R.act(R.act(x, 1), 1), 1), 1), x)  # four quarter turns
    T = groups.translations((n, n + 1))
    for a, b in [(0, 0), (1, 0), (0, 1), (n - 1, 2)]:
        assert np.array_equal(T.act(x[:, np.r_[:n, 0]], a * (n + 1) + b),
                              np.roll(x[:, np.r_[:n, 0]], (a, b), axis=(0, 1)))


def _operators(group, d=1):
    L = group.order * d
    ops = [operators.shift(group, L), operators.identity(group, L)]
    if group.factors is not None:
        ops += [operators.stacked_shift(group, L), operators.disentangled(group, L)]
    return ops


def test_every_operator_is_a_homomorphism(group):
    """psi(g) psi(h) z == psi(g∘h) z for every pair (g, h), on random codes z (for the
    permutation operators, equality on a code with distinct entries is equality of the
    matrices), and psi(0) = I."""
    rng = np.random.default_rng(7)
    g, h = (a.ravel() for a in np.meshgrid(np.arange(group.order), np.arange(group.order)))
    for op in _operators(group):
        Z = rng.normal(size=(len(g), op.latent_dim))
        twice, once = op(op(Z, h), g), op(Z, group.table[g, h])
        if op.name == "disentangled":  # rotations by angles: equal up to rounding
            assert np.allclose(twice, once, atol=1e-12), op.name
        else:
            assert np.array_equal(twice, once), op.name
        assert np.array_equal(op(Z, np.zeros(len(Z), int)), Z)


def test_shift_does_not_commute_on_non_commutative_groups():
    for G in (groups.translations_rotations(4), groups.dihedral(4)):
        op = operators.shift(G, G.order)
        g, h = np.argwhere(G.table != G.table.T)[0]
        assert not np.array_equal(op.matrix(g) @ op.matrix(h), op.matrix(h) @ op.matrix(g))


@pytest.mark.parametrize("shape,d", [((3, 4), 2), ((4, 4), 1), ((5,), 3)])
def test_stacked_shift_is_a_roll_and_equals_shift(shape, d):
    G = groups.translations(shape) if len(shape) == 2 else groups.cyclic(shape[0])
    L = G.order * d
    stacked, shift = operators.stacked_shift(G, L), operators.shift(G, L)
    rng = np.random.default_rng(2)
    Z, g = rng.normal(size=(40, L)), rng.integers(0, G.order, 40)
    rolled = np.stack([np.roll(z.reshape(shape + (d,)), tuple(G.coordinates(np.array([e]))[0]),
                               axis=tuple(range(len(shape)))).ravel() for z, e in zip(Z, g)])
    assert np.array_equal(stacked(Z, g), rolled)
    assert np.array_equal(shift(Z, g), rolled)
    check_grads(lambda Z: stacked(Z, g), modes=["rev"])(Z)


def test_operators_reject_what_they_cannot_represent():
    for G in (groups.translations_rotations(4), groups.dihedral(4)):
        with pytest.raises(ValueError, match="not commutative"):
            operators.disentangled(G, G.order)
        with pytest.raises(ValueError, match="product of cyclic groups"):
            operators.stacked_shift(G, G.order)
    with pytest.raises(ValueError, match="multiple of"):
        operators.stacked_shift(groups.translations((3, 4)), 13)


@pytest.mark.parametrize("generators,error,message", [
    ([np.zeros(16, int)], ValueError, "permutation of 0..15"),
    ([np.r_[1:16, 16]], ValueError, r"missing \[0\]"),
    ([np.arange(16.0)], ValueError, "int array"),
    ([np.arange(15)], ValueError, r"shape \(16,\) or \(4, 4\)"),
    ([np.arange(16).reshape(2, 8)], ValueError, r"got shape \(2, 8\)"),
    (np.arange(16), TypeError, "list of permutations"),
    ("rot90", TypeError, "list of permutations"),
])
def test_generate_rejects_bad_generators(generators, error, message):
    with pytest.raises(error, match=message):
        groups.generate((4, 4), generators)


def test_generate_rejects_bad_shape():
    with pytest.raises(TypeError, match="shape"):
        groups.generate(16, [np.arange(16)])
    with pytest.raises(ValueError, match=r"shape\[1\]"):
        groups.generate((4, 0), [np.arange(16)])


def test_interpolated_rotation_is_not_a_group_action():
    rng = np.random.default_rng(3)
    X = shapes.random_shapes((8, 8), 5, rng)
    for k in range(4):  # at quarter turns it is np.rot90 up to rounding
        assert np.allclose(sampling.interpolated_rotation(X, 90 * k), np.rot90(X, k, axes=(1, 2)),
                           atol=1e-12)
    Y = X
    for _ in range(10):
        Y = sampling.interpolated_rotation(Y, 36)
    error = np.sum((Y - X) ** 2) / np.sum(X ** 2)
    assert error > 1e-2  # ten turns of 36° are far from the identity ...
    R = groups.rotations(8)
    Z = X
    for _ in range(4):
        Z = R.act(Z, np.ones(len(X), int))
    assert np.array_equal(Z, X)  # ... four exact quarter turns are exactly it
    with pytest.raises(ValueError, match="square images"):
        sampling.interpolated_rotation(np.zeros((2, 4, 5)), 36)
    with pytest.raises(TypeError, match="degrees"):
        sampling.interpolated_rotation(X, "36")


def test_symmetric_shapes_are_fixed_by_their_symmetry():
    rng = np.random.default_rng(4)
    X, kind = shapes.symmetric_shapes((8, 8), 40, rng)
    R, T = groups.rotations(8), groups.translations((8, 8))
    sizes_R = R.stabilizer_sizes(X)
    for name, size in (("square", 4), ("plus", 4), ("rectangle", 2)):
        assert np.all(sizes_R[kind == shapes.SHAPES.index(name)] == size), name
    boards = X[kind == shapes.SHAPES.index("checkerboard")]
    assert np.all(T.stabilizer_sizes(boards) >= 2)
    moved, _ = shapes.symmetric_shapes((8, 8), 30, rng, kinds=("square", "plus"), centred=False)
    assert np.all(groups.translations_rotations(8).stabilizer_sizes(moved) >= 4)
    with pytest.raises(ValueError, match="checkerboard does not fit"):
        shapes.symmetric_shapes((5, 5), 3, rng, kinds=("checkerboard",))
    with pytest.raises(ValueError, match="kinds"):
        shapes.symmetric_shapes((8, 8), 3, rng, kinds=("circle",))


def test_mixed_shapes_split_generic_and_symmetric_for_every_group(group):
    X = shapes.mixed_shapes(group, 40, np.random.default_rng(5))
    assert X.shape == (40,) + group.shape
    sizes = group.stabilizer_sizes(X)
    assert np.all(sizes[:20] == 1) and np.all(sizes[20:] > 1)
    again = shapes.mixed_shapes(group, 40, np.random.default_rng(5))
    assert np.array_equal(X, again)  # seeded
    x1, g, x2 = data.pairs(group, X, np.random.default_rng(6))
    assert np.array_equal(x2, group.act(x1, g))


def test_mixed_shapes_rejects_what_it_cannot_draw():
    with pytest.raises(ValueError, match="2D images"):
        shapes.mixed_shapes(groups.cyclic(8), 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="symmetric"):
        shapes.mixed_shapes(groups.translations((5, 5)), 10, np.random.default_rng(0), tries=3)


@pytest.mark.parametrize("n", [4, 5, 6])
def test_pixel_orbits(n):
    assert representations.pixel_orbits(groups.translations((n, n))) == 1
    assert representations.pixel_orbits(groups.translations_rotations(n)) == 1
    # + the centre, n odd
    assert representations.pixel_orbits(groups.rotations(n)) == (n * n + 3) // 4
    # dihedral: pixels (i, j) up to the 8 symmetries of the square
    c = n - 1

    def images(i, j):
        return [(i, j), (j, i), (c - i, j), (j, c - i), (i, c - j), (c - j, i), (c - i, c - j),
                (c - j, c - i)]

    classes = {min(images(i, j)) for i in range(n) for j in range(n)}
    assert representations.pixel_orbits(groups.dihedral(n)) == len(classes)


# --- trained claims at small size (4 x 4 torus, seconds) -----------------------------------
@pytest.fixture(scope="module")
def trained():
    out = {}
    for name in ("translations", "rotations", "translations_rotations"):
        G = data.groups_2d(4)[name]
        train_pairs, test_pairs = data.shapes_2d(G, 256, seed=0)
        L = representations.shift_latent_dim(G)
        ops = ["shift"] + (["disentangled"] if G.factors else [])
        out[name] = {op: recipes.run("linear", op, G, train_pairs, test_pairs, latent_dim=L,
                                         consistency=1.0, steps=1000).errors["prediction"]
                     for op in ops}
    return out


@pytest.mark.parametrize("name", ["translations", "rotations", "translations_rotations"])
def test_linear_shift_is_exact_on_generic_and_symmetric_shapes(trained, name):
    errors = trained[name]["shift"]
    assert errors["generic"] <= 1e-6 and errors["symmetric"] <= 1e-6, errors


@pytest.mark.parametrize("name", ["translations", "rotations"])
def test_linear_disentangled_fails_on_symmetric_shapes(trained, name):
    assert trained[name]["disentangled"]["symmetric"] >= 10 * max(
        trained[name]["shift"]["symmetric"], 1e-6)


def test_mlp_with_shift_on_2d_translations():
    T = groups.translations((4, 4))
    result = recipes.run("mlp", "shift", T, *data.shapes_2d(T, 1024, seed=0), steps=4000)
    errors = result.errors["prediction"]
    assert errors["generic"] <= 1e-3 and errors["symmetric"] <= 1e-3, errors
