"""The vendored digits, polar sampling, the polar rotation group and asymmetry."""
import hashlib
import itertools
import os

import numpy as np
import pytest

from minidisent import data, defect, digits, groups, metrics, models, operators, recipes, sampling

SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"


def test_file_checksum():
    with open(digits.PATH, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == SHA256 == digits.SHA256
    assert os.path.getsize(digits.PATH) < 50_000


def test_load():
    X, y = digits.load()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64 and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0 and np.all(X * 16 == np.round(X * 16))
    assert np.issubdtype(y.dtype, np.integer) and set(np.unique(y)) == set(range(10))
    # the class counts of digits.csv.gz (the UCI test set: 178, 182, 177, ...)
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_load_refuses_corrupt_and_foreign_files(tmp_path):
    with open(digits.PATH, "rb") as f:
        raw = f.read()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="path: expected the digits archive"):
        digits.load(str(truncated))
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, images=np.zeros((3, 8, 8), np.uint8), other=np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="path"):
        digits.load(str(foreign))
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, images=np.zeros((3, 8, 8)), labels=np.zeros(3, np.uint8))  # float images
    with pytest.raises(ValueError, match="uint8"):
        digits.load(str(wrong))
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, images=np.array([object()]), labels=np.zeros(1, np.uint8))
    with pytest.raises(ValueError, match="path"):
        digits.load(str(pickled))


def test_polar_matches_bilinear_sampling_pointwise():
    """Independent computation: one sample point read by hand from its four neighbours."""
    x = np.random.default_rng(0).random((1, 8, 8))
    p = sampling.polar(x, 3, 12)
    k, j = 1, 2  # r = 3.5 * 2/3, θ = 60°
    r, t = 3.5 * 2 / 3, np.pi / 3
    row, col = 3.5 - r * np.sin(t), 3.5 + r * np.cos(t)
    i0, j0 = int(row), int(col)
    a, b = row - i0, col - j0
    want = ((1 - a) * (1 - b) * x[0, i0, j0] + (1 - a) * b * x[0, i0, j0 + 1]
            + a * (1 - b) * x[0, i0 + 1, j0] + a * b * x[0, i0 + 1, j0 + 1])
    assert abs(p[0, k, j] - want) < 1e-14


def test_polar_quarter_turn_is_rot90():
    X, _ = digits.load()
    for radii, angles in ((4, 40), (3, 8)):
        P = sampling.polar(X[:50], radii, angles)
        rotated = sampling.polar(np.rot90(X[:50], axes=(1, 2)), radii, angles)
        assert np.max(np.abs(np.roll(P, angles // 4, axis=2) - rotated)) < 1e-12
        # and the other way round is really different (the check can fail)
        assert np.max(np.abs(np.roll(P, -angles // 4, axis=2) - rotated)) > 0.1


def test_polar_rotation_group_laws():
    G = sampling.polar_rotations(4, 40, 10)
    assert G.order == 10 and G.shape == (4, 40) and G.factors == (10,) and G.commutative
    assert np.array_equal(G.table, (np.arange(10)[:, None] + np.arange(10)) % 10)  # Z_10
    for g, h in itertools.product(range(10), repeat=2):  # closure through the permutations
        assert np.array_equal(G.perms[h][G.perms[g]], G.perms[G.table[g, h]])
    p = np.random.default_rng(1).random((3, 4, 40))
    q = p
    for _ in range(10):
        q = G.act(q, np.ones(3, dtype=int))
    assert np.array_equal(q, p)  # ten 36° steps: exactly the identity
    assert np.array_equal(G.act(p, np.full(3, 3)), np.roll(p, 12, axis=2))  # k turns by k·angles/n


def test_asymmetry():
    G = groups.rotations(8)
    x = np.random.default_rng(2).random((8, 8))
    half = (x + np.rot90(x, 2)) / 2  # fixed by the half turn
    a = digits.asymmetry(G, np.stack([x, half]))
    assert a[1] == 0 and a[0] > 0.1
    # against a direct loop over the group
    want = min(np.linalg.norm(np.rot90(x, k) - x) for k in (1, 2, 3)) / np.linalg.norm(x)
    assert abs(a[0] - want) < 1e-12
    C = sampling.polar_rotations(3, 20, 10)
    p = digits.mixing(C, np.random.default_rng(3).random((2, 3, 20)), 5, 0.5)
    assert np.allclose(digits.asymmetry(C, p), 0, atol=1e-15)


def test_cartesian_inverts_polar_where_sampled():
    X, _ = digits.load()
    corner = 3.5 * np.sqrt(2)  # to the corners: every pixel is read, M has full rank
    back = sampling.cartesian(sampling.polar(X[:20], 4, 40, corner), (8, 8), corner)
    assert np.max(np.abs(back - X[:20])) < 1e-10


@pytest.mark.parametrize("call, name", [
    (lambda: sampling.polar(np.zeros((8, 8)), 4, 40), "X"),
    (lambda: sampling.polar(np.zeros((2, 8, 8)), 0, 40), "radii"),
    (lambda: sampling.polar(np.zeros((2, 8, 8)), 4, -1), "angles"),
    (lambda: sampling.polar(np.zeros((2, 8, 8)), 4, 40, r_max=0.0), "r_max"),
    (lambda: sampling.polar_rotations(4, 35, 10), "angles"),
    (lambda: sampling.polar_rotations(0, 40, 10), "radii"),
    (lambda: digits.asymmetry(groups.rotations(8), np.zeros((2, 8, 8))), "X"),
    (lambda: digits.asymmetry(groups.rotations(8), np.ones((2, 6, 6))), "X"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="^radii"):
        sampling.polar(np.zeros((2, 8, 8)), 4.0, 40)
    with pytest.raises(TypeError, match="^n"):
        sampling.polar_rotations(4, 40, "10")


def test_orbit_spread_and_per_image_against_direct_computations():
    G = groups.rotations(8)
    rng = np.random.default_rng(4)
    X = rng.random((3, 8, 8))
    X[2] = (X[2] + np.rot90(X[2], 2)) / 2  # half-turn symmetric
    spread = digits.orbit_spread(G, X)
    mean = G.orbit(X[0]).mean(axis=0)  # the group fixes the orbit mean: Σ_g‖g·x − m‖² = |G|‖x − m‖²
    assert abs(spread[0] - np.sum((X[0] - mean) ** 2) / np.sum(X[0] ** 2)) < 1e-12
    assert abs(spread[2] - defect.orbit_lower_bound(G, X[2:])[0][0]) < 1e-12  # the defect's floor
    model, op = models.linear((8, 8), 8), operators.disentangled(G, 8)
    run = recipes.Trained("linear", "disentangled", model, op, model.init(rng), None, 0.0, None)
    error, radius = digits.per_image(run, X)
    for b in range(3):
        assert abs(error[b] - metrics.prediction_error(model, run.params, op,
                                                       data.orbit_pairs(G, X[b:b + 1]))) < 1e-12
        code = model.encode(run.params, X[b:b + 1])[0, :2]
        assert abs(radius[b] - np.linalg.norm(code) / np.linalg.norm(X[b])) < 1e-12
