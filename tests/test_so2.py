"""SO(2) on polar images (so2), the angle operators (angle_operators), the defect task and
the poses experiment: group laws against independent computations, and bad input."""
import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import angle_defect, angle_operators, models, poses, sampling, so2, train


def direct_rotation(p, alpha):
    """The trigonometric interpolant of each ring, read at θ_j − α by its own sum (no FFT)."""
    n = p.shape[-1]
    k = np.arange(-(n // 2), n // 2 + 1)
    theta = 2 * np.pi * np.arange(n) / n
    c = np.einsum("...j,kj->...k", p, np.exp(-1j * np.outer(k, theta))) / n
    return np.real(np.einsum("...k,kj->...j", c, np.exp(1j * np.outer(k, theta - alpha))))


@pytest.mark.parametrize("n", [1, 3, 9, 17, 33])
def test_group_laws_odd(n):
    rng = np.random.default_rng(n)
    a, b = rng.uniform(-7, 7, 2)
    S = lambda t: so2.rotation_matrix(n, t)  # noqa: E731
    assert np.abs(S(a) @ S(b) - S(a + b)).max() < 1e-13
    identity = np.eye(n)
    assert np.abs(S(0.0) - identity).max() < 1e-14 and np.abs(S(2 * np.pi) - identity).max() < 1e-13
    assert np.abs(S(a) @ S(-a) - identity).max() < 1e-13
    assert np.abs(S(a) @ S(a).T - identity).max() < 1e-13
    P = rng.normal(size=(4, 3, n))
    for m in range(n):
        turned = so2.rotate(P, np.full(4, 2 * np.pi * m / n))
        assert np.abs(turned - np.roll(P, m, axis=2)).max() < 1e-13
    assert np.abs(so2.rotate(P, np.full(4, a)) - direct_rotation(P, a)).max() < 1e-12


def test_rotation_of_a_band_limited_ring_is_exact():
    rng = np.random.default_rng(1)
    spectrum = so2.smooth_ring(rng, band=4)
    grid_error, fourier_error = so2.rotation_errors(spectrum, 9, 0.37)
    assert fourier_error < 1e-13 and grid_error > 1e-2


@pytest.mark.parametrize("n", [2, 8, 16])
def test_even_obstruction(n):
    a, b = 0.3, 1.1
    S = lambda t: so2.rotation_matrix(n, t)  # noqa: E731
    j = np.arange(n)
    expected = np.sin(n * a / 2) * np.sin(n * b / 2) / n * (-1.0) ** np.add.outer(j, j)
    assert np.abs(S(a) @ S(b) - S(a + b) - expected).max() < 1e-13
    assert np.abs(S(a) @ S(b) - S(a + b)).max() > 1e-3
    for m in range(n):  # on the grid it is still the roll
        assert np.abs(S(2 * np.pi * m / n) - np.roll(np.eye(n), m, axis=0)).max() < 1e-13


def test_rotate_matches_polar_sampling_on_the_grid():
    X = np.random.default_rng(2).random((3, 8, 8))
    P = sampling.polar(X, 4, 41)
    # a quarter turn is off the 41-angle grid: interpolation error, measured, not zero
    quarter = sampling.polar(np.rot90(X, axes=(1, 2)), 4, 41)
    error = np.abs(so2.rotate(P, np.full(3, np.pi / 2)) - quarter).max()
    assert 1e-6 < error < 1.0


def test_sampled_rotation_errors_on_and_off_the_grid():
    x = np.random.default_rng(8).random((8, 8))
    grid, fourier, alpha = so2.sampled_rotation_errors(x, 2.5, 9, fine=1)  # α on the grid
    assert grid < 1e-13 and fourier < 1e-13 and np.isclose(alpha * 9 / (2 * np.pi), 1)
    grid, fourier, alpha = so2.sampled_rotation_errors(x, 2.5, 33, fine=8)
    assert abs(alpha - 1) < 2 * np.pi / (8 * 33) and grid > 1e-3 and fourier > 1e-6


def test_patterns_fold_and_orbit_bound():
    rng = np.random.default_rng(3)
    for k in (1, 2, 3, 4):
        P = so2.patterns(6, 2, 17, k, rng)
        assert np.all(so2.fold(P) == k)
        if k > 1:
            assert np.abs(so2.rotate(P, np.full(6, 2 * np.pi / k)) - P).max() < 1e-12
        bound, _ = so2.orbit_bound(P)
        # the integral over the circle by 64 equally spaced angles (exact: degree 16 < 64)
        alphas = 2 * np.pi * np.arange(64) / 64
        orbit = np.stack([so2.rotate(P, np.full(6, a)) for a in alphas])  # (64, B, R, N)
        spread = np.sum((orbit - orbit.mean(axis=0)) ** 2, axis=(0, 2, 3)) / 64
        spread /= np.sum(P ** 2, axis=(1, 2))
        assert np.allclose(bound, spread if k > 1 else 0.0, atol=1e-12)
    assert so2.fold(np.ones((1, 2, 9)))[0] == 0


def test_angular_energy_parseval():
    P = np.random.default_rng(4).normal(size=(5, 3, 11))
    assert np.allclose(so2.angular_energy(P).sum(axis=1), np.sum(P ** 2, axis=(1, 2)))


@pytest.mark.parametrize("make", [lambda: angle_operators.band_limited([2, 1, 0, 3]),
                                  lambda: angle_operators.disentangled(5),
                                  lambda: angle_operators.no_operator(3)])
def test_operator_is_a_homomorphism_in_alpha(make):
    op = make()
    rng = np.random.default_rng(5)
    a, b = rng.uniform(-7, 7, 2)
    assert np.abs(op.matrix(a) @ op.matrix(b) - op.matrix(a + b)).max() < 1e-13
    assert np.abs(op.matrix(0.0) - np.eye(op.latent_dim)).max() == 0
    assert np.abs(op.matrix(a) @ op.matrix(a).T - np.eye(op.latent_dim)).max() < 1e-13
    Z = rng.normal(size=(4, op.latent_dim))
    alpha = rng.uniform(0, 7, 4)
    assert np.allclose(op(Z, alpha), np.stack([op.matrix(t) @ z for t, z in zip(alpha, Z)]))


def test_band_limited_frequencies_and_character():
    op = angle_operators.band_limited([2, 1, 0, 3])
    assert op.latent_dim == 2 + 2 * 4 and op.frequencies.tolist() == [1, 3, 3, 3]
    alphas = 2 * np.pi * np.arange(16) / 16
    scan = so2.character_scan(np.stack([op.matrix(t) for t in alphas]), np.array([0.0, 1, 2, 3, 4]))
    assert np.allclose(scan, [2, 1, 0, 3, 0], atol=1e-12)
    matrices = np.stack([op.matrix(t) for t in alphas])
    more = so2.character_scan(matrices, np.array([0.0, 1, 2, 3, 4, 2.5]), turns=3)
    assert np.allclose(more[:5], [2, 1, 0, 3, 0], atol=1e-12)
    # between integers: each frequency's geometric series over 3 turns of 16 samples, summed
    k = np.array([0, 0, 1, -1, 3, 3, 3, -3, -3, -3])  # m_0 = 2, m_1 = 1, m_3 = 3
    x = k - 2.5
    series = (1 - np.exp(2j * np.pi * x * 3)) / (1 - np.exp(2j * np.pi * x / 16)) / (16 * 3)
    assert np.isclose(more[5], abs(series.sum()), atol=1e-12)
    assert np.trace(op.matrix(0.5)) == pytest.approx(2 + 2 * np.cos(0.5) + 6 * np.cos(1.5))


def test_closed_form_exact_and_training_learns():
    task = angle_defect.task(seed=0, per_fold=16, count=256)
    params = so2.closed_form(task.pairs[0], task.multiplicities)
    op = angle_operators.band_limited(task.multiplicities)
    model = models.linear((angle_defect.RADII, angle_defect.ANGLES), op.latent_dim)
    for P in task.test.values():
        errors = angle_operators.error_by_angle(model, params, op, P, np.array([0.3, 2.0, 5.5]))
        assert errors.max() < 1e-24
    objective = angle_operators.supervised_loss(model, op)
    trained, history = train.fit(objective, model.init(np.random.default_rng(0)), task.pairs,
                                 steps=200, step_size=1e-2)
    assert history[-1] < 0.2 * history[0]


def test_loss_gradient():
    model = models.mlp((2, 5), 4, (6,))
    op = angle_operators.disentangled(4)
    rng = np.random.default_rng(6)
    x1 = rng.normal(size=(3, 2, 5))
    batch = (x1, rng.uniform(0, 6, 3), so2.rotate(x1, rng.uniform(0, 6, 3)))
    objective = angle_operators.supervised_loss(model, op, consistency=0.5)
    params = model.init(rng)
    check_grads(lambda w: objective({**params, "encoder_w0": w}, batch),
                modes=["rev"])(params["encoder_w0"])


def test_pose_estimate_turns_back_exactly():
    op = angle_operators.band_limited([1, 2, 1])
    rng = np.random.default_rng(7)
    reference = rng.normal(size=op.latent_dim)
    alpha = 2 * np.pi * rng.integers(0, 360, 5) / 360
    codes = op.apply(np.tile(reference, (5, 1)), alpha)
    assert np.allclose(poses.estimate_pose(op, codes, reference), alpha)


def test_multiplicities_reach_the_target():
    P = poses.data(train_count=300)[0]
    m = so2.multiplicities(P, 0.05)
    params = so2.closed_form(P, m)
    flat = P.reshape(len(P), -1)
    error = np.sum((flat @ params["encoder"] @ params["decoder"] - flat) ** 2) / np.sum(flat ** 2)
    assert error <= 0.05
    fewer = m.copy()
    fewer[np.flatnonzero(m)[-1]] -= 1  # one irrep copy less misses the target (greedy order)
    smaller = so2.closed_form(P, fewer)
    missed = flat @ smaller["encoder"] @ smaller["decoder"] - flat
    assert np.sum(missed ** 2) / np.sum(flat ** 2) > error


def test_bad_input():
    P = np.zeros((2, 3, 9))
    with pytest.raises(ValueError, match="odd number of angles"):
        so2.rotate(np.zeros((2, 3, 8)), np.zeros(2))
    with pytest.raises(ValueError, match="finite angles"):
        so2.rotate(P, np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="float array"):
        so2.rotate(P, np.array([0, 1]))
    with pytest.raises(ValueError, match="2 angles"):
        so2.rotate(P, np.zeros(3))
    with pytest.raises(ValueError, match="polar images"):
        so2.rotate(np.zeros((3, 9)), np.zeros(3))
    with pytest.raises(ValueError, match="odd number"):
        so2.patterns(2, 2, 10, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at most"):
        so2.rotation_matrix(10 ** 6, 0.0)
    with pytest.raises(ValueError, match="count x radii x n"):
        so2.patterns(10 ** 6, 100, 9, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="test_labels"):
        poses.accuracy(None, P, np.zeros(2, int), P, np.zeros(3, int), np.zeros(1))
    with pytest.raises(ValueError, match="2-D array"):
        so2.evaluate(np.zeros(3, complex), np.zeros(2))
    op = angle_operators.band_limited([1, 1])
    with pytest.raises(ValueError, match="shape"):
        op(np.zeros((2, 4)), np.zeros(2))
    with pytest.raises(ValueError, match="finite angles"):
        op(np.zeros((2, 3)), np.array([np.inf, 0.0]))
    with pytest.raises(ValueError, match="multiplicities"):
        angle_operators.band_limited([0, 0])
    with pytest.raises(ValueError, match="at least 2"):
        angle_operators.disentangled(1)
    model = models.linear((3, 9), 3)
    with pytest.raises(ValueError, match="AngleOperator"):
        angle_operators.supervised_loss(model, angle_operators.band_limited([1, 2]))
    objective = angle_operators.supervised_loss(model, op)
    with pytest.raises(ValueError, match="finite"):
        train.fit(objective, model.init(np.random.default_rng(0)), (P, np.array([0.0, np.nan]), P),
                  steps=1)
