"""Checkers of the exercises of chapters 1-4: groups, disentangling, the defect, representation theory."""
import math

import numpy as np

from .. import groups, operators
from . import common


# ---- chapter 1 -----------------------------------------------------------------------------

def check_1_1(orbit_and_stabilizer):
    """orbit_and_stabilizer(G, x) -> (orbit size, stabilizer as sorted int array)."""
    rng = np.random.default_rng(11)
    plus = np.zeros((5, 5)); plus[2, :] = plus[:, 2] = 1.0
    bar = np.zeros((4, 4)); bar[1:3, :] = 1.0
    cases = [("a period-4 signal under Z_16", groups.cyclic(16), common.periodic(16, 4, rng)),
             ("a generic signal under Z_12", groups.cyclic(12), rng.normal(size=12)),
             ("a plus sign under the dihedral group", groups.dihedral(5), plus),
             ("a bar under translations + rotations of 4x4", groups.translations_rotations(4), bar)]
    for name, G, x in cases:
        answer = orbit_and_stabilizer(G, x)
        common.hint(isinstance(answer, tuple) and len(answer) == 2, "Exercise 1.1: expected a pair "
              f"(orbit size, stabilizer), got {type(answer).__name__}")
        size, stab = answer[0], np.sort(common.array("1.1", "the stabilizer", answer[1], ndim=1))
        moving = [int(g) for g in stab if not np.array_equal(G.act(x, int(g)), x)]
        truth = G.stabilizer(x)
        common.hint(not moving, f"Exercise 1.1: on {name}, your stabilizer holds elements that move x: "
              f"{moving}. Compare the whole image g·x with x (§1.1: (g·x).ravel() == x.ravel()[perms[g]]).")
        common.hint(len(stab) == len(truth) and np.array_equal(np.unique(stab), stab), f"Exercise 1.1: on "
              f"{name}, your stabilizer misses elements that fix x "
              "(or repeats one): loop over every g in range(G.order) (§1.4).")
        common.hint(int(size) * len(stab) == G.order, f"Exercise 1.1: on {name}, orbit size {size} times "
              "stabilizer size is not |G| (the orbit-stabilizer theorem, §1.4): count distinct images "
              "g·x (np.unique(..., axis=0) on the flattened images), not group elements.")
    common.passed("1.1", "orbit sizes and stabilizers by hand on 4 cases, |orbit| * |stabilizer| == |G|")


def check_1_2(inverses):
    """inverses(table) -> int array inv with g∘inv[g] == e."""
    for G in (groups.cyclic(12), groups.dihedral(4), groups.translations_rotations(3)):
        inv = common.array("1.2", "the inverses", inverses(G.table), ndim=1)
        common.hint(inv.shape == (G.order,) and np.issubdtype(inv.dtype, np.integer), f"Exercise 1.2: "
              f"expected {G.order} integer elements for {G.name}, got shape {inv.shape}, dtype {inv.dtype}")
        e = np.arange(G.n_pixels)
        for g in range(G.order):  # undo on the pixels: perms of g∘h is perms[h][perms[g]]
            h = int(inv[g])
            common.hint(0 <= h < G.order and np.array_equal(G.perms[h][G.perms[g]], e)
                  and np.array_equal(G.perms[g][G.perms[h]], e), f"Exercise 1.2: in {G.name}, your "
                  f"inverse of {g} is {h}, which does not undo it on the pixels: the inverse is the "
                  "column where row g of the table holds the identity 0 (§1.2, §1.3).")
    common.passed("1.2", "g∘g⁻¹ == g⁻¹∘g == e on the pixels, for Z_12, D_4 and p4 on 3x3")


def check_1_3(signal_with_stabilizer):
    """signal_with_stabilizer(n, p, rng) -> a signal (n,) whose stabilizer in Z_n is p·Z_n."""
    rng = np.random.default_rng(13)
    for n, p in [(16, 4), (16, 8), (12, 3), (12, 6), (15, 5)]:
        x = common.array("1.3", "the signal", signal_with_stabilizer(n, p, rng), dtype=float, ndim=1)
        common.hint(x.shape == (n,), f"Exercise 1.3: expected a signal of shape ({n},), got {x.shape}")
        fixed = [m for m in range(n) if np.array_equal(np.roll(x, m), x)]
        extra = [m for m in fixed if m % p]
        common.hint(not extra, f"Exercise 1.3: for n={n}, p={p} your signal is also fixed by the shifts {extra},"
              " which are not multiples of p: its period is smaller than p (§1.4, data.periodic_signals).")
        common.hint(len(fixed) == n // p, f"Exercise 1.3: for n={n}, p={p} your signal is not fixed by every "
              "multiple of p: a shift by p must give back exactly the same array (§1.4).")
    common.passed("1.3", "stabilizer == multiples of p, checked with np.roll, for 5 (n, p)")


# ---- chapter 2 -----------------------------------------------------------------------------

def _signal_sets(rng):
    n = 16
    generic = np.fft.ifft(np.fft.fft(rng.normal(size=(6, n))) * 0.7 ** np.minimum(np.arange(n), n - np.arange(n))).real
    periodic = np.stack([common.periodic(n, p, rng) for p in (2, 4, 8, 8)])
    return {"generic smooth signals": generic, "periodic signals": periodic,
            "a mix of both": np.concatenate([generic, periodic]),
            "signals on Z_12": np.stack([common.periodic(12, 6, rng), rng.normal(size=12)])}


def check_2_1(disentangled_floor):
    """disentangled_floor(X) -> relative error floor of the linear disentangled model on the
    whole orbits of X (B, n)."""
    for name, X in _signal_sets(np.random.default_rng(21)).items():
        value = float(disentangled_floor(X))
        common.hint(0 <= value <= 1, f"Exercise 2.1: expected a fraction of the energy in [0, 1], got {value:.4g} "
              f"on {name}: divide by the total energy of the signals.")
        common.hint(common.close(value, common.residual_in_g(X, [1]), 1e-6), f"Exercise 2.1: on {name} your floor {value:.4g} "
              "is not what a prediction holding only the frequencies 0 and ±1 in g can reach: keep the "
              "energy of every other frequency of each signal, summed over all signals (§2.5).")
    common.passed("2.1", "the floor from the FFT equals the best fit in g of frequencies 0, ±1, on 4 sets")


def check_2_2(plane_fixers):
    """plane_fixers(n, k) -> sorted h in Z_n for which R(2πkh/n) fixes a non-zero vector."""
    for n, k in [(16, 1), (16, 4), (12, 8), (16, 0), (9, 3)]:
        h = np.sort(common.array("2.2", "the elements h", plane_fixers(n, k), ndim=1))
        rotations = [np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) for t in 2 * np.pi * k * h / n]
        moving = [int(e) for e, R in zip(h, rotations) if np.linalg.matrix_rank(R - np.eye(2), tol=1e-9) == 2]
        common.hint(not moving, f"Exercise 2.2: for n={n}, k={k} the rotation of h = {moving[0] if moving else ''}"
              f"{' (and of others you listed)' if len(moving) > 1 else ''} fixes only the origin "
              "(det(R - I) != 0): §2.2.")
        expected = n // math.gcd(n, k) if k else 1  # the fixers are the multiples of n / gcd(n, k)
        common.hint(len(np.unique(h)) == n // expected, f"Exercise 2.2: for n={n}, k={k} you missed "
              "elements h whose rotation by 2πkh/n is a full turn (or repeated one) (§2.2).")
    common.passed("2.2", "the elements that fix a vector of the frequency-k plane, on 5 (n, k)")


# ---- chapter 3 -----------------------------------------------------------------------------

def check_3_1(orbit_bound):
    """orbit_bound(x) -> the relative spread of the orbit of x (n,) under Z_n around its mean."""
    rng = np.random.default_rng(31)
    cases = [common.periodic(16, p, rng) for p in (2, 4, 8)] + [rng.normal(size=16), np.ones(16), common.periodic(12, 3, rng)]
    for x in cases:
        value = float(orbit_bound(x))
        orbit = common.rolls(x)  # the spread of the orbit around its mean, relative to its energy
        spread = np.sum((orbit - orbit.mean(axis=0)) ** 2) / np.sum(orbit ** 2)
        common.hint(common.close(value, spread, 1e-8), f"Exercise 3.1: for a signal of {len(x)} pixels your bound "
              f"{value:.4g} is not the spread of its orbit around the orbit's mean: the mean of the orbit "
              "is the DC mode; the bound is the energy outside it, as a fraction of the total (§2).")
    common.passed("3.1", "the bound from the FFT equals the orbit's spread on 6 signals")


def check_3_2(probe_geometry):
    """probe_geometry(x_sym, v, eps) -> (h, angle in degrees, ||y - h·y||) for y = x_sym + eps v."""
    rng = np.random.default_rng(32)
    op = operators.disentangled(groups.cyclic(16), 2)
    for p in (4, 8, 2):
        x, v = common.periodic(16, p, rng), rng.normal(size=16)
        distances = []
        for eps in (1e-2, 1e-4):
            answer = probe_geometry(x, v, eps)
            common.hint(isinstance(answer, tuple) and len(answer) == 3, "Exercise 3.2: expected a triple "
                  f"(h, angle in degrees, distance), got {type(answer).__name__}")
            h, angle, distance = int(answer[0]), float(answer[1]), float(answer[2])
            fixes = [m for m in range(1, 16) if np.array_equal(np.roll(x, m), x)]
            common.hint(h in fixes and h == min(fixes), f"Exercise 3.2: for a period-{p} signal, h={h} is not the "
                  "smallest non-zero shift that fixes x_sym: look at its stabilizer (§1, chapter 1 §1.4).")
            M = op.matrix(h)  # the angle by which the disentangled operator turns the plane
            turn = np.degrees(np.arctan2(M[1, 0], M[0, 0])) % 360
            common.hint(common.close(angle % 360, turn, 1e-6), f"Exercise 3.2: for h={h} your angle {angle:.4g}° is not the"
                  " angle by which psi(h) turns latent dims 0-1 (§1), in degrees.")
            y = x + eps * v
            common.hint(common.close(distance, np.linalg.norm(y - np.roll(y, h)), 1e-8), f"Exercise 3.2: the distance "
                  f"{distance:.4g} is not ||y - h·y|| for y = x_sym + eps v (eps={eps:g}): h·y is a roll of y.")
            distances.append(distance / eps)
        common.hint(common.close(distances[0], distances[1], 1e-6), "Exercise 3.2: ||y - h·y|| / eps should not depend "
              "on eps (it is ||v - h·v||).")
    common.passed("3.2", "h, the plane's angle and ||y - h·y|| = eps ||v - h·v|| for periods 4, 8, 2")


# ---- chapter 4 -----------------------------------------------------------------------------

def _rotation_matrices(n):
    """(4, n², n²) permutation matrices of the quarter turns of an n x n grid, from np.rot90."""
    index = np.arange(n * n).reshape(n, n)
    return np.stack([np.eye(n * n)[np.rot90(index, k).ravel()] for k in range(4)])


def check_4_1(rotation_multiplicities):
    """rotation_multiplicities(n) -> (pixel character (4,), multiplicities (4,)) of C_4 on n x n."""
    chi = common.cyclic_characters(4)
    for n in (3, 4, 5):
        answer = rotation_multiplicities(n)
        common.hint(isinstance(answer, tuple) and len(answer) == 2, "Exercise 4.1: expected a pair (pixel "
              f"character, multiplicities), got {type(answer).__name__}")
        character = common.array("4.1", "the pixel character", answer[0], ndim=1)
        m = common.array("4.1", "the multiplicities", answer[1], ndim=1)
        rho = _rotation_matrices(n)
        common.hint(character.shape == (4,) and np.allclose(character, np.trace(rho, axis1=1, axis2=2)),
              f"Exercise 4.1: for {n}x{n} your pixel character is not the number of pixels each quarter "
              "turn k = 0..3 leaves in place (§2: chi_rho(g) = tr rho(g)).")
        common.hint(m.shape == (4,) and np.allclose(m, np.round(m.real)) and np.isclose(np.sum(m), n * n),
              f"Exercise 4.1: for {n}x{n} expected 4 whole multiplicities adding up to the dimension n², "
              f"got {np.round(m, 3).tolist()}: m_f = (1/|G|) sum_g conj(chi_f(g)) chi_rho(g) (§2).")
        ranks = [np.linalg.matrix_rank(np.einsum("g,gij->ij", chi[f].conj(), rho) / 4) for f in range(4)]
        common.hint(np.allclose(m, ranks), f"Exercise 4.1: for {n}x{n} your multiplicities do not count the "
              "irreps in the pixels (they differ from the ranks of the projectors P_f, §1-2): check the "
              "conjugate and the 1/|G|.")
    common.passed("4.1", "pixel characters and multiplicities of C_4 on 3x3, 4x4, 5x5 equal the projector ranks")


def check_4_2(allowed_frequencies):
    """allowed_frequencies(n, p) -> sorted frequencies f a period-p signal of n pixels can carry."""
    rng = np.random.default_rng(42)
    for n, p in [(16, 8), (16, 4), (12, 3), (12, 6), (15, 5)]:
        f = np.sort(common.array("4.2", "the frequencies", allowed_frequencies(n, p), ndim=1))
        power = np.sum(np.abs(np.fft.fft([common.periodic(n, p, rng) for _ in range(8)], axis=1)) ** 2, axis=0)
        carried = set(np.flatnonzero(power > 1e-12 * power.sum()).tolist())
        common.hint(set(f.tolist()) >= carried, f"Exercise 4.2: for n={n}, p={p} you left out "
              "frequencies that a period-p signal does carry (§3).")
        common.hint(len(f) == len(carried) == len(set(f.tolist())), f"Exercise 4.2: for n={n}, p={p} you listed "
              "frequencies where chi_f(p) != 1, which a period-p signal cannot carry (§3).")
    common.passed("4.2", "the frequencies with chi_f(p) = 1 are the ones carried by random periodic signals")


def _operator_matrices(op):
    return np.stack([op.matrix(g) for g in range(op.group.order)])


def check_4_3(operator_multiplicities):
    """operator_multiplicities(matrices) -> (n,) multiplicities of the irreps of Z_n in an
    operator given as its matrices (n, L, L), from its character."""
    rng = np.random.default_rng(43)
    Z8 = groups.cyclic(8)
    Q, _ = np.linalg.qr(rng.normal(size=(24, 24)))
    cases = {"disentangled, L=5": _operator_matrices(operators.disentangled(Z8, 5)),
             "shift, L=16": _operator_matrices(operators.shift(Z8, 16)),
             "a rotated shift and disentangled": np.einsum("ij,gjk,lk->gil", Q, np.stack([
                 np.block([[a, np.zeros((8, 16))], [np.zeros((16, 8)), b]]) for a, b in zip(
                     _operator_matrices(operators.shift(Z8, 8)), _operator_matrices(operators.disentangled(Z8, 16)))]), Q)}
    for name, M in cases.items():
        m = common.array("4.3", "the multiplicities", operator_multiplicities(M), ndim=1)
        common.hint(m.shape == (8,) and np.allclose(m, np.round(np.real(m))), f"Exercise 4.3: on {name} expected 8 "
              f"whole numbers (one per irrep of Z_8), got {np.round(m, 3).tolist()}: round the real part.")
        common.hint(np.isclose(np.sum(m), M.shape[1]), f"Exercise 4.3: on {name} your multiplicities add up to "
              f"{np.sum(m):g}, not the latent dimension: chi(e) = tr psi(e) = L (§4).")
        common.hint(np.allclose(m, common.eigen_multiplicities(M[1], 8)), f"Exercise 4.3: on {name} your multiplicities "
              "disagree with the eigenvalues e^(2πif/n) of psi(1): use m_f = (1/|G|) sum_g conj(chi_f(g)) "
              "tr psi(g), with chi_f(g) = e^(2πifg/n) (§2, §4).")
    common.passed("4.3", "multiplicities from traces equal the eigenvalue counts of psi(1) on 3 operators")
