"""Claims of chapter 13 (rotations by any angle): SO(2) acting exactly on odd polar grids,
the even-grid obstruction, grid vs Fourier rotation, the defect's floor for k-fold patterns,
the character scan, and digits at poses never seen in training.

A claim takes what the chapter already computed as keyword arguments (task, runs, ...) and
computes it itself when they are not given: claims.so2_orbit_floor(0, task=task, runs=runs).
"""
import numpy as np

from .. import angle_defect, angle_operators, digits, models, poses, sampling, so2
from . import common

ODD, EVEN = (9, 17, 33, 41), (8, 16)
TEST_ANGLES = 2 * np.pi * np.arange(24) / 24  # the squared error is a trig polynomial of degree
# <= 2 (ANGLES - 1)/2 = 16 in α, so its mean over 24 equally spaced angles is its integral
DIGIT_ANGLES = np.deg2rad(np.arange(0.0, 360.0, 24.0))  # 0°, 24°, 48° seen; 72°, ..., 336° not


def _law_errors(n, rng):
    a, b = rng.uniform(-10, 10, 2)
    m = int(rng.integers(0, n))

    def S(t):
        return so2.rotation_matrix(n, t)
    return (np.abs(S(a) @ S(b) - S(a + b)).max(), np.abs(S(2 * np.pi) - np.eye(n)).max(),
            np.abs(S(2 * np.pi * m / n) - np.roll(np.eye(n), m, axis=0)).max()), (a, b)


def so2_group_laws(seed):
    """Odd N = 9, 17, 33, 41 (the digits' grid), angles drawn from the seed: the largest of
    |S(a)S(b) − S(a+b)|, |S(2π) − I|, |S(2πm/N) − roll by m| and |so2.rotate − the matrix|
    (entries)."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for n in ODD:
        laws, (a, _) = _law_errors(n, rng)
        P = rng.normal(size=(3, 2, n))
        direct = np.einsum("jl,brl->brj", so2.rotation_matrix(n, a), P)
        worst = max(worst, *laws, np.abs(so2.rotate(P, np.full(3, a)) - direct).max())
    return common.below("so2_group_laws", worst, 1e-13)


def so2_even_obstruction(seed):
    """Even N = 8, 16: |S(a)S(b) − S(a+b)|_max equals |sin(Na/2) sin(Nb/2)|/N (the Nyquist
    mode), while S(2π) = I and S(2πm/N) = roll stay exact: the largest deviation from that."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for n in EVEN:
        (law, full, grid), (a, b) = _law_errors(n, rng)
        worst = max(worst, abs(law - abs(np.sin(n * a / 2) * np.sin(n * b / 2)) / n), full, grid)
    return common.below("so2_even_obstruction", worst, 1e-12)


def so2_fourier_spectral(seed):
    """A smooth ring (amplitudes 0.7^k, so2.smooth_ring) turned by 1 rad on 129 angles with
    S(α): the largest error relative to the largest |p|."""
    ring = so2.smooth_ring(np.random.default_rng(seed))
    return common.below("so2_fourier_spectral", so2.rotation_errors(ring, 129, 1.0)[1], 1e-13)


def so2_grid_first_order(seed):
    """The best grid rotation is first order: turning the same ring by half a grid step, its
    error on 129 angles over its error on 1001 angles, divided by 1001/129: |that − 1|."""
    spectrum = so2.smooth_ring(np.random.default_rng(seed))
    coarse, fine = (so2.rotation_errors(spectrum, n, np.pi / n)[0] for n in (129, 1001))
    return common.below("so2_grid_first_order", abs(coarse / fine / (1001 / 129) - 1), 0.15)


def defect_runs(seed):
    """Chapter 13's defect: (task, {"band_limited": ..., "disentangled": ...}) of angle_defect."""
    task = angle_defect.task(seed)
    return task, {name: angle_defect.train_linear(task, name, seed)
                  for name in ("band_limited", "disentangled")}


def _ratios(seed, task, runs):
    if task is None or runs is None:
        task, runs = defect_runs(seed)
    rows = angle_defect.table(task, runs, TEST_ANGLES)
    return task, runs, rows, [rows[k][1]["disentangled"] / rows[k][0] for k in (2, 3, 4)]


def so2_orbit_floor(seed, task=None, runs=None):
    """Linear + disentangled (one frequency-1 plane), α uniform on the circle: its error on the
    held-out 2-, 3- and 4-fold patterns over the orbit bound (so2.orbit_bound): the largest."""
    return common.below("so2_orbit_floor", max(_ratios(seed, task, runs)[3]), 1.05)


def so2_floor_is_lower(seed, task=None, runs=None):
    """The same ratios, smallest: never below 1 (a linear model's prediction holds the
    frequencies 0, ±1 of α only; the error's mean over 24 angles is its integral)."""
    return common.above("so2_floor_is_lower", min(_ratios(seed, task, runs)[3]), 1 - 1e-9)


def so2_band_limited_trained(seed, task=None, runs=None):
    """Linear + band-limited shift operator trained 500 steps on the same pairs: its largest
    held-out error over the generic, 2-, 3- and 4-fold patterns (mean over the circle)."""
    rows = _ratios(seed, task, runs)[2]
    worst = max(r[1]["band_limited"] for r in rows.values())
    return common.below("so2_band_limited_trained", worst, 0.05)


def so2_closed_form_exact(seed, task=None):
    """so2.closed_form on the defect task's training patterns (every frequency, RADII copies):
    the largest held-out error at any of 24 angles, every fold."""
    task = angle_defect.task(seed) if task is None else task
    patterns = task.pairs[0]
    params = so2.closed_form(patterns, task.multiplicities)
    op = angle_operators.band_limited(task.multiplicities)
    model = models.linear(patterns.shape[1:], op.latent_dim)
    worst = max(angle_operators.error_by_angle(model, params, op, P, TEST_ANGLES).max()
                for P in task.test.values())
    return common.below("so2_closed_form_exact", worst, 1e-12)


def so2_character_scan(seed, digits=None):
    """The exact band-limited code of the digits (closed form): the linear map its codes follow
    under rotation, fitted at 36 angles on the held-out digits (angle_operators.latent_matrices),
    read by so2.character_scan at ω = 0, 1, ..., 8: the largest |value − m_ω|, m the
    multiplicities so2.multiplicities chose (0 beyond its last frequency)."""
    digits = poses.data() if digits is None else digits
    run = digits_closed_form(digits[0])
    m = so2.multiplicities(digits[0], poses.TARGET)
    M = angle_operators.latent_matrices(run.model.encode, run.params, digits[2][:200], 36)
    scan = so2.character_scan(M, np.arange(9.0))
    return common.below("so2_character_scan", np.abs(scan - np.pad(m, (0, 9 - len(m)))).max(), 1e-9)


def digits_closed_form(train_P):
    """The exactly equivariant linear code of the digits (so2.closed_form at poses.TARGET) as a
    poses.Run (no training)."""
    m = so2.multiplicities(train_P, poses.TARGET)
    op = angle_operators.band_limited(m)
    return poses.Run("linear", "band_limited", models.linear(train_P.shape[1:], op.latent_dim), op,
                     so2.closed_form(train_P, m), None)


def _accuracies(seed, digits, run):
    digits = poses.data() if digits is None else digits
    return poses.accuracy(None if run == "pixels" else run, *digits, DIGIT_ANGLES, seed=seed)


def so2_unseen_pose(seed, digits=None, accuracy=None):
    """Digits, the exact band-limited code (closed form) with the pose estimated in latent space
    and turned back, a linear classifier on it fitted on training digits at 0°-72°: the
    largest difference between the accuracy at an unseen angle and at 0° (test angles every
    24°, on the 1° grid of the pose estimate). accuracy: those accuracies at DIGIT_ANGLES."""
    if accuracy is None:
        digits = poses.data() if digits is None else digits
        accuracy = _accuracies(seed, digits, digits_closed_form(digits[0]))
    unseen = accuracy[DIGIT_ANGLES >= poses.SEEN]
    return common.below("so2_unseen_pose", np.abs(unseen - accuracy[0]).max(), 0.01)


def so2_pose_accuracy(seed, digits=None, accuracy=None):
    """The same, the smallest accuracy at any test angle (0° to 336°, every 24°)."""
    if accuracy is None:
        digits = poses.data() if digits is None else digits
        accuracy = _accuracies(seed, digits, digits_closed_form(digits[0]))
    return common.above("so2_pose_accuracy", accuracy.min(), 0.75)


def so2_pixels_unseen(seed, digits=None, accuracy=None):
    """A linear classifier on the polar pixels, fitted on training digits at 0°-72°: its mean
    accuracy on seen angles (0°, 24°, 48°) minus its mean on unseen ones."""
    accuracy = _accuracies(seed, digits, "pixels") if accuracy is None else accuracy
    seen = DIGIT_ANGLES < poses.SEEN
    return common.above("so2_pixels_unseen", accuracy[seen].mean() - accuracy[~seen].mean(), 0.3)


def so2_trained_unseen(seed, digits=None, runs=None):
    """The linear and MLP models with the band-limited operator trained on digits at 0°-72°:
    the smallest ratio of their mean prediction error on unseen angles to that on seen ones."""
    digits = poses.data() if digits is None else digits
    runs = poses.runs(digits[0], seed, operators=("band_limited",)) if runs is None else runs
    seen = DIGIT_ANGLES < poses.SEEN
    ratios = []
    for kind in ("linear", "mlp"):
        r = runs[kind, "band_limited"]
        error = angle_operators.error_by_angle(r.model, r.params, r.op, digits[2], DIGIT_ANGLES)
        ratios.append(error[~seen].mean() / error[seen].mean())
    return common.above("so2_trained_unseen", min(ratios), 2.0)


def so2_sampling(seed):
    """The one interpolation left, on all 1797 digits (4 radii, 41 angles): S(π/2) of each polar
    image against the polar image of np.rot90(x), relative squared error (the seed is unused:
    the digits and the grid are fixed)."""
    X = digits.load()[0]
    P = sampling.polar(X, poses.RADII, poses.ANGLES)
    turned = sampling.polar(np.rot90(X, axes=(1, 2)), poses.RADII, poses.ANGLES)
    error = np.sum((so2.turn(P, np.full(len(P), np.pi / 2)) - turned) ** 2) / np.sum(turned ** 2)
    return common.below("so2_sampling", error, 1e-3)


def _digit_ring(seed):
    x = digits.load()[0][seed % 1797]
    return {n: so2.sampled_rotation_errors(x, 2.5, n)[:2] for n in (33, 129, 257)}


def so2_digit_ring_not_spectral(seed):
    """A ring (radius 2.5) of digit number `seed`, read by bilinear sampling, turned by about
    1 rad on 257 angles with S(α): its error (relative to the largest |p|) stays above 1e-4
    (bilinear sampling has kinks: the Fourier rotation converges algebraically, not spectrally)."""
    return common.above("so2_digit_ring_not_spectral", _digit_ring(seed)[257][1], 1e-4)


def so2_digit_ring_fourier_better(seed):
    """The same ring on 33, 129 and 257 angles: the largest ratio of the Fourier rotation's
    error to the best grid rotation's."""
    return common.below("so2_digit_ring_fourier_better",
                        max(f / g for g, f in _digit_ring(seed).values()), 1.0)
