"""Checkers of the exercises of chapter 13: rotations by any angle on an odd polar grid (a ring
turned by S(α), and the orbit bound from the angular spectrum)."""
import numpy as np

from . import common


def interpolant(p, theta):
    """The trigonometric interpolant of rings p (..., N), N odd, read at angles theta (T,) by
    its own sum (no FFT) -> (..., T)."""
    n = p.shape[-1]
    k = np.arange(-(n // 2), n // 2 + 1)
    c = p @ np.exp(-1j * np.outer(np.arange(n), k) * 2 * np.pi / n) / n  # (..., 2K+1)
    return np.real(c @ np.exp(1j * np.outer(k, theta)))


def _ring(turn, p, alpha, what):
    """turn(copy of p, alpha), checked to be a real float64 ring of p's shape."""
    out = common.call("13.1", turn, p, alpha)
    complex_array = isinstance(out, np.ndarray) and out.dtype.kind == "c"
    common.hint(not complex_array, f"Exercise 13.1: expected {what} as a real float array, got "
                f"{common.came(out)} (the result of ifft is complex: keep its real part once "
                "you know its imaginary part is 0)")
    out = common.array("13.1", what, out, ndim=1)
    common.hint(out.shape == p.shape, f"Exercise 13.1: expected {what} of shape {p.shape} for "
                f"N = {len(p)}, got shape {out.shape}")
    return out


def _turn_diagnosis(out, p, alpha, theta):
    """What kind of mistake gives `out` instead of p(θ − α), as a hint that keeps the method."""
    n = len(p)
    if np.allclose(out, interpolant(p, theta + alpha), atol=1e-10):
        return "your ring turned clockwise: check the sign of the phase e^{−ikα}"
    if np.allclose(out, np.roll(p, int(np.rint(alpha * n / (2 * np.pi)))), atol=1e-10):
        return ("you rolled to the nearest grid angle: S(α) turns by any angle, between the "
                "samples too")
    if np.allclose(out, interpolant(p, theta - np.deg2rad(alpha)), atol=1e-10):
        return "you converted alpha from degrees: it is in radians already"
    return ("check the sign of the phase e^{−ikα} and that k are the integer frequencies "
            "(np.fft.fftfreq(N) * N), not the bin indices")


def check_13_1(turn):
    """turn(p, alpha) -> (N,): the ring p (N,), N odd, turned by the float angle alpha."""
    rng = np.random.default_rng(131)
    for n in (9, 17, 33):
        p, (a, b) = rng.normal(size=n), rng.uniform(-7, 7, 2)
        theta = 2 * np.pi * np.arange(n) / n
        expected = interpolant(p, theta - a)  # computed before the answer is called
        rolled, composed = np.roll(p, 3), interpolant(p, theta - a - b)
        out = _ring(turn, p, a, "the turned ring")
        if not np.allclose(out, expected, atol=1e-10):
            common.fail(f"Exercise 13.1: for N = {n} your ring is not p(θ − α) (§1): "
                        f"{_turn_diagnosis(out, p, a, theta)}.")
        roll = _ring(turn, p, 2 * np.pi * 3 / n, "the ring turned by 2π·3/N")
        common.hint(np.allclose(roll, rolled, atol=1e-10),
                    "Exercise 13.1: a turn by 2π·3/N must be np.roll(p, 3) (§1).")
        twice = _ring(turn, out, b, "the ring turned twice")
        common.hint(np.allclose(twice, composed, atol=1e-10),
                    "Exercise 13.1: turning by a then b is not turning by a + b (§1).")
    common.passed("13.1", "p(θ − α) at every sample, the roll on the grid, S(a)S(b) = S(a+b)")


def _spread_diagnosis(value, x):
    """What kind of mistake gives `value`, as a hint that keeps the method."""
    power = np.abs(np.fft.fft(x, axis=0)) ** 2  # along the radii, not the angles
    amplitude = np.abs(np.fft.fft(x, axis=1))
    if common.close(value, power[1:].sum() / power.sum(), 1e-8):
        return ("you took the spectrum along the radii: the orbit turns the angle axis (the "
                "last one)")
    if common.close(value, amplitude[:, 1:].sum() / amplitude.sum(), 1e-8):
        return ("you added amplitudes |c_k|: by Parseval the energy is the sum of the squared "
                "moduli")
    return ("by Parseval the orbit's mean keeps frequency 0 only; the spread is the energy of "
            "every other frequency over the total")


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
        out = common.call("13.2", orbit_spread, x)
        value = common.number("13.2", "the orbit spread", out)
        if not common.close(value, expected, 1e-8):
            common.fail(f"Exercise 13.2: for a {fold}-fold pattern your spread {value:.4g} is "
                        f"wrong: {_spread_diagnosis(value, x)} (§5).")
    common.passed("13.2", "the orbit spread from the spectrum equals its integral over the circle")
