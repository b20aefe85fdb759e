"""Checkers of the exercises of chapter 13: rotations by any angle on an odd polar grid."""
import numpy as np

from . import common


def interpolant(p, theta):
    """The trigonometric interpolant of rings p (..., N), N odd, read at angles theta (T,) by
    its own sum (no FFT) -> (..., T)."""
    n = p.shape[-1]
    k = np.arange(-(n // 2), n // 2 + 1)
    c = p @ np.exp(-1j * np.outer(np.arange(n), k) * 2 * np.pi / n) / n  # (..., 2K+1)
    return np.real(c @ np.exp(1j * np.outer(k, theta)))


def check_13_1(turn):
    """turn(p, alpha) -> (N,): the ring p (N,), N odd, turned by the float angle alpha."""
    rng = np.random.default_rng(131)
    for n in (9, 17, 33):
        p, (a, b) = rng.normal(size=n), rng.uniform(-7, 7, 2)
        theta = 2 * np.pi * np.arange(n) / n
        expected = interpolant(p, theta - a)  # computed before the answer is called
        given = p.copy()
        out = common.array("13.1", "the turned ring", turn(given, a), ndim=1)
        common.hint(np.array_equal(given, p), "Exercise 13.1: your turn modified its input p; "
                    "compute on a copy (np.fft.fft already returns a new array).")
        common.hint(out.shape == (n,),
                    f"Exercise 13.1: expected shape ({n},) for N = {n}, got {out.shape}")
        common.hint(np.isrealobj(out) and np.issubdtype(out.dtype, np.floating),
                    f"Exercise 13.1: expected a real float array, got dtype {out.dtype} "
                    "(the result of ifft is complex: keep its real part)")
        common.hint(np.allclose(out, expected, atol=1e-10),
                    f"Exercise 13.1: for N = {n} your ring is not p(θ − α) (§1): check the sign "
                    "of the phase e^{−ikα} and that k are the integer frequencies "
                    "(np.fft.fftfreq(N) * N), not the bin indices.")
        roll = turn(p.copy(), 2 * np.pi * 3 / n)
        common.hint(np.allclose(roll, np.roll(p, 3), atol=1e-10),
                    "Exercise 13.1: a turn by 2π·3/N must be np.roll(p, 3) (§1).")
        twice = turn(np.asarray(turn(p.copy(), a), dtype=float), b)
        common.hint(np.allclose(twice, interpolant(p, theta - a - b), atol=1e-10),
                    "Exercise 13.1: turning by a then b is not turning by a + b (§1).")
    common.passed("13.1", "p(θ − α) at every sample, the roll on the grid, S(a)S(b) = S(a+b)")


def check_13_2(orbit_spread):
    """orbit_spread(x) -> float: (1/2π)∫‖S(α)x − mean‖² dα / ‖x‖², one pattern x (radii, N)."""
    rng = np.random.default_rng(132)
    n, alphas = 17, 2 * np.pi * np.arange(64) / 64  # 64 angles: exact for degree 16 < 64
    theta = 2 * np.pi * np.arange(n) / n
    for fold in (1, 2, 3, 4):
        f = np.arange(0, n // 2 + 1, fold)
        a = (rng.normal(size=(2, f.size)) + 1j * rng.normal(size=(2, f.size))) * 0.8 ** f
        x = np.real(a @ np.exp(1j * np.outer(f, theta)))  # (2, N): frequencies 0, k, 2k, ...
        orbit = np.stack([interpolant(x, theta - t) for t in alphas])  # (64, 2, N)
        expected = np.mean(np.sum((orbit - orbit.mean(axis=0)) ** 2, axis=(1, 2))) / np.sum(x ** 2)
        given = x.copy()
        out = orbit_spread(given)
        common.hint(np.array_equal(given, x),
                    "Exercise 13.2: your orbit_spread modified its input x.")
        common.hint(np.ndim(out) == 0 and np.isrealobj(out),
                    f"Exercise 13.2: expected one real number, got {type(out).__name__} "
                    f"of shape {np.shape(out)}")
        common.hint(common.close(float(out), expected, 1e-8),
                    f"Exercise 13.2: for a {fold}-fold pattern your spread is wrong: by Parseval "
                    "the orbit's mean keeps frequency 0 only; the spread is the energy of every "
                    "other frequency over the total (§5).")
    common.passed("13.2", "the orbit spread from the spectrum equals its integral over the circle")
