"""Checkers of chapter 3, the topological defect: the orbit lower bound, and the geometry of
the defect probe near a symmetric signal."""
import numpy as np

from .. import groups, operators
from . import common


def check_3_1(orbit_bound):
    """orbit_bound(x) -> the relative spread of the orbit of x (n,) under Z_n around its mean."""
    rng = np.random.default_rng(31)
    cases = [common.periodic(16, p, rng) for p in (2, 4, 8)] + [
        rng.normal(size=16), np.ones(16), common.periodic(12, 3, rng)]
    for x in cases:
        orbit = common.rolls(x)  # the spread of the orbit around its mean, relative to its energy
        spread = np.sum((orbit - orbit.mean(axis=0)) ** 2) / np.sum(orbit ** 2)
        value = common.call("3.1", orbit_bound, x)
        value = common.number("3.1", "the bound", value)
        common.hint(common.close(value, spread, 1e-8), f"Exercise 3.1: for a signal of "
                    f"{len(x)} pixels your bound {value:.4g} is not the spread of its orbit "
                    "around the orbit's mean: the mean of the orbit is the DC mode; the bound "
                    "is the energy outside it, as a fraction of the total (§2).")
    common.passed("3.1", "the bound from the FFT equals the orbit's spread on 6 signals")


def check_3_2(probe_geometry):
    """probe_geometry(x_sym, v, eps) -> (h, angle in degrees, ||y - h·y||) for y = x_sym + eps v."""
    rng = np.random.default_rng(32)
    op = operators.disentangled(groups.cyclic(16), 2)
    for p in (4, 8, 2):
        x, v = common.periodic(16, p, rng), rng.normal(size=16)
        smallest = min(m for m in range(1, 16) if np.array_equal(np.roll(x, m), x))
        M = op.matrix(smallest)  # the angle by which the disentangled operator turns the plane
        turn = np.degrees(np.arctan2(M[1, 0], M[0, 0])) % 360
        for eps in (1e-2, 1e-4):
            y = x + eps * v
            moved = np.linalg.norm(y - np.roll(y, smallest))
            answer = common.call("3.2", probe_geometry, x, v, eps)
            h, angle, distance = common.parts("3.2", "a triple (h, angle in degrees, distance)",
                                              answer, 3)
            h = common.number("3.2", "h", h, whole=True)
            angle = common.number("3.2", "the angle", angle)
            distance = common.number("3.2", "the distance", distance)
            common.hint(h == smallest, f"Exercise 3.2: for a period-{p} signal, h={h} is not "
                        "the smallest non-zero shift that fixes x_sym: look at its stabilizer "
                        "(§1, chapter 1 §1.4).")
            common.hint(common.close(angle % 360, turn, 1e-6), f"Exercise 3.2: for h={h} your "
                        f"angle {angle:.4g}° is not the angle by which psi(h) turns latent dims "
                        "0-1 (§1), in degrees.")
            common.hint(common.close(distance, moved, 1e-8), f"Exercise 3.2: the distance "
                        f"{distance:.4g} is not ||y - h·y|| for y = x_sym + eps v "
                        f"(eps={eps:g}): h·y is a roll of y.")
    common.passed("3.2", "h, the plane's angle and ||y - h·y|| = eps ||v - h·v|| for periods "
                  "4, 8, 2")
