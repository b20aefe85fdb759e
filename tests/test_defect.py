"""The orbit lower bound and the defect probe (metrics), against independent computations."""
import numpy as np
import pytest

from minidisent import __main__ as main_job
from minidisent import data, defect, groups, metrics, models, operators


def _freq1_encoder(n):
    """A hand-built equivariant disentangled encoder on Z_n: code = (cos, sin) of the angle of
    the frequency-1 Fourier coefficient (radius 1), then the mean. Shifting by g turns the
    plane by 2πg/n, exactly as operators.disentangled does."""
    def encode(params, X):
        c = np.sum(X * np.exp(2j * np.pi * np.arange(n) / n), axis=1)  # (B,) turns by e^{2πig/n}
        return np.stack([c.real / np.abs(c), c.imag / np.abs(c), X.mean(axis=1)], axis=1)
    return encode


def test_freq1_encoder_is_equivariant():
    n, rng = 12, np.random.default_rng(0)
    G, X = groups.cyclic(n), data.random_signals(12, 5, rng)
    op, encode = operators.disentangled(G, 3), _freq1_encoder(n)
    g = rng.integers(0, n, 5)
    assert np.allclose(encode(None, G.act(X, g)), op(encode(None, X), g))


def test_orbit_lower_bound_exact_on_hand_built_orbits():
    G = groups.cyclic(4)
    X = np.array([[1.0, 2.0, 3.0, 4.0],   # generic: bound 0
                  [1.0, 3.0, 1.0, 3.0],   # period 2: orbit {1313, 3131}, mean 2222
                  [2.0, 2.0, 2.0, 2.0],   # constant: its orbit is one image, bound 0
                  [1.0, -1.0, 1.0, -1.0]])  # period 2, zero mean: bound 1
    bound, total = defect.orbit_lower_bound(G, X)
    # ‖x − 2222‖² = 4·1 = 4 over ‖x‖² = 20
    assert np.allclose(bound, [0.0, 4 / 20, 0.0, 1.0])
    assert np.isclose(total, (0 + 4 + 0 + 4) / (30 + 20 + 16 + 4))


def test_orbit_lower_bound_two_factors_collapses_only_turned_planes():
    """Z_4 x Z_4 has one plane per factor: a stabilizer element turns the planes in which
    its exponent is not zero, and only the elements moving along those planes collapse."""
    G = groups.translations((4, 4))
    rows = np.array([[1.0, 2.0, 4.0, -3.0], [0.5, -1.0, 2.0, 6.0]])
    x = np.concatenate([rows, rows])  # fixed by the vertical shift by 2: plane 0 is turned
    bound, _ = defect.orbit_lower_bound(G, x[None])
    # every vertical shift now shares a code: the best guess is the mean over columns
    assert np.isclose(bound[0], np.sum((x - x.mean(axis=0)) ** 2) / np.sum(x ** 2))
    y = np.array([[1.0, 2.0, 4.0, -3.0]] * 4)  # fixed by every vertical shift: no loss
    assert defect.orbit_lower_bound(G, y[None])[0][0] == 0.0
    w = np.array([[1.0, 5.0], [5.0, 1.0]])  # fixed by (1, 1): both planes turned
    bound, _ = defect.orbit_lower_bound(groups.translations((2, 2)), w[None])
    assert np.isclose(bound[0], 16 / 52)  # orbit {w, w'}, mean 3 everywhere


def test_orbit_lower_bound_equals_best_linear_disentangled_error():
    """The best linear disentangled model keeps Fourier modes 0 and ±1 (built by hand); on
    every orbit of symmetric signals its error is the bound, on generic ones the energy
    outside those modes."""
    n, rng = 16, np.random.default_rng(1)
    G = groups.cyclic(n)
    model, op = models.linear((n,), 3), operators.disentangled(G, 3)
    k = 2 * np.pi * np.arange(n) / n
    enc = np.stack([np.cos(k), np.sin(k), np.ones(n) / np.sqrt(n)], axis=1)  # (n, 3)
    params = {"encoder": enc,
              "decoder": np.stack([2 / n * np.cos(k), 2 / n * np.sin(k), np.ones(n) / np.sqrt(n)])}
    X, _ = data.periodic_signals(n, 30, rng)
    error = metrics.prediction_error(model, params, op, data.orbit_pairs(G, X))
    assert np.isclose(error, defect.orbit_lower_bound(G, X)[1], rtol=1e-10)
    Xg = data.random_signals(n, 30, rng)
    E = np.abs(np.fft.fft(Xg, axis=1)) ** 2
    outside = 1 - (E[:, 0] + E[:, 1] + E[:, -1]).sum() / E.sum()
    assert np.isclose(metrics.prediction_error(model, params, op, data.orbit_pairs(G, Xg)),
                      outside, rtol=1e-10)
    assert np.all(defect.orbit_lower_bound(G, Xg)[0] == 0)


def test_probe_equivariant_encoder_has_slope_minus_one():
    n, p = 12, 4
    G = groups.cyclic(n)
    x_sym = np.tile([1.0, -0.5, 2.0, 0.3], n // p)
    v = data.random_signals(n, 1, np.random.default_rng(2))[0]
    eps = np.logspace(-5, -1, 5)
    ratio, radius = defect.defect_probe(_freq1_encoder(n), None, x_sym, p, v, eps, G)
    # f_E(y) keeps its angle, f_E(h·y) is turned by 2πp/n: |1 − e^{2πip/n}| = 2 sin(πp/n);
    # the mean is h-invariant; ‖y − h·y‖ = ε‖v − h·v‖
    expected = 2 * np.sin(np.pi * p / n) / (eps * np.linalg.norm(v - np.roll(v, p)))
    assert np.allclose(ratio, expected, rtol=1e-8)
    assert np.allclose(np.diff(np.log10(ratio)), -1.0)
    assert np.allclose(radius, 1.0)


def test_probe_linear_encoder_has_bounded_constant_ratio():
    n, p = 12, 6
    G, rng = groups.cyclic(n), np.random.default_rng(3)
    model = models.linear((n,), 5)
    params = model.init(rng)
    x_sym = np.tile(rng.normal(size=p), n // p)
    v = rng.normal(size=n)
    eps = np.logspace(-4, 0, 5)
    ratio, radius = defect.defect_probe(model.encode, params, x_sym, p, v, eps, G)
    d = v - np.roll(v, p)
    assert np.allclose(ratio, np.linalg.norm(d @ params["encoder"]) / np.linalg.norm(d))
    assert np.all(ratio <= np.linalg.norm(params["encoder"], 2) + 1e-12)
    assert np.allclose(radius, np.linalg.norm((x_sym + eps[:, None] * v) @ params["encoder"][:, :2],
                                              axis=1))


def _probe_args():
    G = groups.cyclic(8)
    model = models.linear((8,), 4)
    return model.encode, model.init(np.random.default_rng(0)), np.tile([1.0, 2.0], 4), 2, \
        np.arange(8.0) ** 2, np.array([1e-2, 1e-1]), G


@pytest.mark.parametrize("index, value, error, words", [
    (5, np.array([1e-2, 0.0]), ValueError, "eps"),
    (5, np.array([1e-2, -1.0]), ValueError, "eps"),
    (5, np.array([[1e-2]]), ValueError, "eps"),
    (3, 1, ValueError, "stabilizer"),          # shift by 1 does not fix 1212...
    (3, 0, ValueError, "non-identity"),
    (3, 8, ValueError, "non-identity"),
    (3, 2.0, TypeError, "h"),
    (2, np.ones(7), ValueError, "x_sym"),
    (4, np.ones((2, 8)), ValueError, "v"),
    (4, np.tile([1.0, 2.0], 4), ValueError, "v"),  # fixed by h: no direction to probe
    (0, "encode", TypeError, "encode"),
])
def test_probe_bad_input(index, value, error, words):
    args = list(_probe_args())
    args[index] = value
    with pytest.raises(error, match=words):
        defect.defect_probe(*args)


def test_orbit_lower_bound_bad_input():
    with pytest.raises(ValueError, match="X"):
        defect.orbit_lower_bound(groups.cyclic(4), np.ones((2, 5)))
    with pytest.raises(ValueError, match="zero"):
        defect.orbit_lower_bound(groups.cyclic(4), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="group"):
        defect.orbit_lower_bound(groups.dihedral(3), np.ones((1, 3, 3)))
    with pytest.raises(TypeError, match="X"):
        defect.orbit_lower_bound(groups.cyclic(4), np.ones((1, 4), dtype=int))


def _ideal_linear(n):
    """The best linear disentangled model on Z_n, by hand: modes ±1 in the plane, the mean
    in dim 2 (latent 3)."""
    k = 2 * np.pi * np.arange(n) / n
    enc = np.stack([np.cos(k), np.sin(k), np.ones(n) / np.sqrt(n)], axis=1)
    dec = np.stack([2 / n * np.cos(k), 2 / n * np.sin(k), np.ones(n) / np.sqrt(n)])
    return models.linear((n,), 3), operators.disentangled(groups.cyclic(n), 3), \
        {"encoder": enc, "decoder": dec}


def test_orbit_pairs_hold_every_shift():
    G, X = groups.cyclic(5), data.random_signals(5, 3, np.random.default_rng(4))
    x1, g, x2 = data.orbit_pairs(G, X)
    assert len(g) == 15 and np.array_equal(g[:5], np.arange(5))
    assert np.array_equal(x2[7], np.roll(X[1], 2)) and np.array_equal(x1[7], X[1])


def test_orbit_error_split_adds_up():
    model, op, params = _ideal_linear(16)
    X, _ = data.periodic_signals(16, 10, np.random.default_rng(5))
    s = defect.orbit_error_split(model, params, op, X)
    assert np.isclose(s["error"], s["bound"]) and np.isclose(s["varying"], s["bound"])
    assert s["constant"] < 1e-20  # the ideal model outputs the orbit's mean exactly
    params = {**params, "decoder": params["decoder"] * np.array([[1.0], [1.0], [1.5]])}
    s = defect.orbit_error_split(model, params, op, X)  # mean overshot by 50%
    mean = X.mean(axis=1, keepdims=True)
    assert np.isclose(s["constant"], np.sum((0.5 * mean) ** 2) * 16 / np.sum(X ** 2))
    assert np.isclose(s["error"], s["bound"] + s["constant"])


def test_probe_path_needs_a_symmetric_image():
    G = groups.cyclic(8)
    X = data.random_signals(8, 4, np.random.default_rng(6))
    with pytest.raises(ValueError, match="symmetric"):
        defect.probe_path(G, X)
    X[2] = np.tile([1.0, 2.0, 3.0, 4.0], 2)
    x_sym, h, v = defect.probe_path(G, X)
    assert np.array_equal(x_sym, X[2]) and h == 4 and np.isclose(np.linalg.norm(v), 1)


def test_probe_figure_runs_and_saves(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    fig, curves = main_job.probe_figure(tmp_path / "probe.png", n=8, count=16, steps=3)
    assert (tmp_path / "probe.png").stat().st_size > 0 and len(fig.axes) == 2
    for label in ("MLP + disentangled", "MLP + shift"):
        assert curves["ratio"][label].shape == curves["radius"][label].shape == defect.EPS.shape


def _brute_force_bound(group, x):
    """orbit_lower_bound of one image from the definitions, loop by loop: the planes some
    stabilizer element turns, K the elements moving only along those planes, the spread of
    x around its mean over K."""
    coords = [np.unravel_index(g, group.factors) for g in range(group.order)]
    stabilizer = [g for g in range(group.order) if np.array_equal(group.act(x, g), x)]
    turned = {i for g in stabilizer for i, c in enumerate(coords[g]) if c != 0}
    K = [g for g in range(group.order)
         if all(c == 0 or i in turned for i, c in enumerate(coords[g]))]
    mean = np.mean([group.act(x, g) for g in K], axis=0)
    return np.sum((x - mean) ** 2) / np.sum(x ** 2), sorted(turned)


def test_orbit_lower_bound_and_collapsed_planes_against_brute_force_on_tori():
    rng = np.random.default_rng(4)
    for shape in ((6, 6), (4, 6)):
        G, _, X, kind = defect.factor_data(shape, count=3, seed=5)
        diagonal = np.add.outer(np.arange(shape[0]), np.arange(shape[1])) % 3.0
        X = np.concatenate([X, (1.0 + diagonal)[None], rng.normal(size=(1,) + shape)])
        kind = np.concatenate([kind, [-1, -1]])
        bound, total = defect.orbit_lower_bound(G, X)
        collapsed = defect.collapsed_planes(G, X)
        for x, b, c in zip(X, bound, collapsed):
            expected, turned = _brute_force_bound(G, x)
            assert np.isclose(b, expected, rtol=1e-12, atol=1e-15)
            assert np.flatnonzero(c).tolist() == turned
        assert collapsed[kind == 1].tolist() == [[True, False]] * 3   # stripes along axis 0
        assert collapsed[kind == 2].tolist() == [[False, True]] * 3
        assert collapsed[kind == 3].all() and not collapsed[kind == 0].any()
        assert np.allclose(bound[kind == 1], 0, atol=1e-15) and np.allclose(bound[kind == 3], 1.0)
        energy = np.sum(X ** 2, axis=(1, 2))
        assert np.isclose(total, np.sum(bound * energy) / energy.sum())


def test_linear_floor_is_the_energy_outside_the_planes_modes():
    """On a torus the characters of the planes are the 2D Fourier modes (0, 0), (±1, 0),
    (0, ±1): the linear floor is the energy of x's 2D DFT outside them; it is never below
    the orbit lower bound."""
    for shape in ((6, 6), (4, 6), (2, 5)):
        G, rng = groups.translations(shape), np.random.default_rng(6)
        X = np.concatenate([rng.normal(size=(4,) + shape), data.stripes(shape, 3, rng, 0),
                            data.stripes(shape, 3, rng, 1)])
        power = np.abs(np.fft.fft2(X)) ** 2
        h, w = shape
        modes = {(0, 0), (1 % h, 0), (-1 % h, 0), (0, 1 % w), (0, -1 % w)}
        kept = sum(power[:, a, b] for a, b in modes)
        floor, total = defect.linear_floor(G, X)
        assert np.allclose(floor, 1 - kept / power.sum(axis=(1, 2)), atol=1e-12)
        assert np.all(floor >= defect.orbit_lower_bound(G, X)[0] - 1e-12)
    G = groups.cyclic(16)
    X, _ = data.periodic_signals(16, 6, np.random.default_rng(7))
    # one factor: the two floors agree
    assert np.allclose(defect.linear_floor(G, X)[0], defect.orbit_lower_bound(G, X)[0])


def test_best_linear_disentangled_model_on_a_torus_sits_on_the_linear_floor():
    """A hand-built linear disentangled model on Z_h x Z_w: plane i carries the Fourier mode
    e_i, an invariant dimension the mean. Its orbit error equals linear_floor image by image."""
    h, w = 4, 6
    G = groups.translations((h, w))
    i, j = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    a, b = 2 * np.pi * i / h, 2 * np.pi * j / w
    basis = [np.cos(a), np.sin(a), np.cos(b), np.sin(b), np.ones((h, w))]
    norms = [h * w / 2] * 4 + [h * w]
    enc = np.stack([v.ravel() for v in basis], axis=1)  # (24, 5)
    dec = np.stack([v.ravel() / s for v, s in zip(basis, norms)])  # (5, 24)
    model, op = models.linear((h, w), 5), operators.disentangled(G, 5)
    params = {"encoder": enc, "decoder": dec}
    rng = np.random.default_rng(8)
    X = np.concatenate([rng.normal(size=(2, h, w)), data.stripes((h, w), 2, rng, 1)])
    for x, floor in zip(X, defect.linear_floor(G, X)[0]):
        error = metrics.prediction_error(model, params, op, data.orbit_pairs(G, x[None]))
        assert np.isclose(error, floor, rtol=1e-9)


def test_stripes_and_plane_radii():
    rng = np.random.default_rng(9)
    S = data.stripes((4, 6), 5, rng, axis=0)
    assert np.allclose(S, S[:, :1, :]) and S.shape == (5, 4, 6)
    G = groups.translations((4, 6))
    assert np.all(G.stabilizer_sizes(S) == 4)
    model = models.linear((4, 6), 6)
    params = model.init(rng)
    Z = S.reshape(5, -1) @ params["encoder"]
    assert np.allclose(defect.plane_radii(model, params, S, 2),
                       np.stack([np.hypot(Z[:, 0], Z[:, 1]), np.hypot(Z[:, 2], Z[:, 3])], axis=1))
    with pytest.raises(ValueError, match="axis"):
        data.stripes((4, 6), 2, rng, axis=2)
    with pytest.raises(ValueError, match="disentangled|cyclic"):
        defect.collapsed_planes(groups.translations_rotations(4), np.ones((1, 4, 4)))


def test_on_a_torus_of_prime_sides_every_stabilizer_is_k_and_the_bound_is_zero():
    """Z_5 x Z_7: every subgroup is a product of subgroups of the factors, so the stabilizer
    is all of K and the orbit lower bound vanishes; the linear floor does not."""
    G, rng = groups.translations((5, 7)), np.random.default_rng(10)
    X = np.concatenate([data.stripes((5, 7), 3, rng, 0), data.stripes((5, 7), 3, rng, 1),
                        np.ones((1, 5, 7))])
    assert np.all(G.stabilizer_sizes(X) > 1)
    assert np.allclose(defect.orbit_lower_bound(G, X)[0], 0, atol=1e-15)
    assert np.all(defect.linear_floor(G, X)[0][:6] > 1e-3)
