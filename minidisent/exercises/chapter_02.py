"""Checkers of chapter 2, disentangling with subspaces: the error floor of the linear
disentangled model, and the elements whose rotation of a plane fixes a vector."""
import numpy as np

from . import common


def _signal_sets(rng):
    n = 16
    smooth = 0.7 ** np.minimum(np.arange(n), n - np.arange(n))
    generic = np.fft.ifft(np.fft.fft(rng.normal(size=(6, n))) * smooth).real
    periodic = np.stack([common.periodic(n, p, rng) for p in (2, 4, 8, 8)])
    return {"generic smooth signals": generic, "periodic signals": periodic,
            "a mix of both": np.concatenate([generic, periodic]),
            "signals on Z_12": np.stack([common.periodic(12, 6, rng), rng.normal(size=12)])}


def check_2_1(disentangled_floor):
    """disentangled_floor(X) -> relative error floor of the linear disentangled model on the
    whole orbits of X (B, n)."""
    for name, X in _signal_sets(np.random.default_rng(21)).items():
        floor = common.residual_in_g(X, [1])
        value = common.call("2.1", disentangled_floor, X)
        value = common.number("2.1", "the floor", value)
        common.hint(0 <= value <= 1, f"Exercise 2.1: expected a fraction of the energy in "
                    f"[0, 1], got {value:.4g} on {name}: divide by the total energy of the "
                    "signals.")
        common.hint(common.close(value, floor, 1e-6), f"Exercise 2.1: on {name} your floor "
                    f"{value:.4g} is not what a prediction holding only the frequencies 0 and "
                    "±1 in g can reach: keep the energy of every other frequency of each "
                    "signal, summed over all signals (§2.5).")
    common.passed("2.1", "the floor from the FFT equals the best fit in g of frequencies 0, ±1, "
                  "on 4 sets")


def check_2_2(plane_fixers):
    """plane_fixers(n, k) -> sorted h in Z_n for which R(2πkh/n) fixes a non-zero vector."""
    for n, k in [(16, 1), (16, 4), (12, 8), (16, 0), (9, 3)]:
        turns = 2 * np.pi * k * np.arange(n) / n
        fixers = {h for h, t in enumerate(turns)  # R(t) - I singular: R(t) fixes a vector
                  if np.linalg.matrix_rank(np.array([[np.cos(t) - 1, -np.sin(t)],
                                                     [np.sin(t), np.cos(t) - 1]]), tol=1e-9) < 2}
        h = common.call("2.2", plane_fixers, n, k)
        h = common.elements("2.2", "elements h", h, n, group=f"Z_{n}")
        moving = [int(e) for e in h if int(e) not in fixers]
        common.hint(not moving, f"Exercise 2.2: for n={n}, k={k} the rotation of h = "
                    f"{moving[0] if moving else ''}"
                    f"{' (and of others you listed)' if len(moving) > 1 else ''} fixes only "
                    "the origin (det(R - I) != 0): §2.2.")
        common.hint(len(h) == len(fixers), f"Exercise 2.2: for n={n}, k={k} you missed "
                    "elements h whose rotation by 2πkh/n is a full turn (§2.2).")
    common.passed("2.2", "the elements that fix a vector of the frequency-k plane, on 5 (n, k)")
