"""Exercises of the course: one checker per exercise (the student copies: student_copies.py).

Checkers. `check_N_k(answer)` tests exercise N.k of chapter N. The answer is usually the
student's function; the checker calls it on its own seeded cases and compares the result
with an *independent* computation (another algorithm, or an invariant such as the
orbit-stabilizer count), never with a stored solution. On success it prints one line
`Exercise N.k passed: ...`; on a wrong answer it raises AssertionError whose message is a
hint: what kind of answer was expected, what came, and which section to read — never the
expected values. Checkers use numpy and the stable core (`groups`, `operators`, `models`).

Student copies: `python -m minidisent.exercises OUT_DIR` writes every chapter with its
solutions stubbed out (see `student_copies.py`, which also says which outputs are cleared).
"""
import math

import numpy as np

from . import groups, models, operators


def _hint(condition, message):
    if not condition:
        raise AssertionError(message)


def _passed(number, what):
    print(f"Exercise {number} passed: {what}")


def _array(number, name, value, dtype=None, ndim=None):
    """The answer as a numpy array, or a hint saying what kind of value was expected."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise AssertionError(f"Exercise {number}: expected {name} as an array, got "
                             f"{type(value).__name__}") from None
    _hint(ndim is None or array.ndim == ndim,
          f"Exercise {number}: expected {name} as a {ndim}-D array, got shape {array.shape}")
    return array


def _close(a, b, tolerance=1e-8):
    return abs(a - b) <= tolerance * max(1.0, abs(b))


def _rolls(x):
    """x (n,) -> (n, n), row m is x rolled by m: the orbit under Z_n, built with np.roll."""
    return np.stack([np.roll(x, m) for m in range(len(x))])


def _periodic(n, p, rng):
    """A signal of n pixels with period exactly p (p divides n): p random values tiled."""
    return np.tile(rng.normal(size=p), n // p)


def _residual_in_g(X, frequencies):
    """Relative error of the best prediction of the whole orbits of X (B, n) by a function of
    g holding only the given frequencies in g (a least-squares fit per pixel, per signal)."""
    n = X.shape[1]
    g = np.arange(n)
    basis = np.column_stack([np.ones(n)] + [f(2 * np.pi * k * g / n) for k in frequencies if k
                                             for f in (np.cos, np.sin)])  # (n, columns)
    U, s, _ = np.linalg.svd(basis, full_matrices=False)
    Q = U[:, s > 1e-9 * s[0]]  # orthonormal basis of the functions of g the model can output
    orbits = np.stack([_rolls(x) for x in X])  # (B, n_g, n_pixels)
    fitted = np.einsum("gc,hc,bhp->bgp", Q, Q, orbits)
    return np.sum((orbits - fitted) ** 2) / np.sum(orbits ** 2)


def _cyclic_characters(n):
    return np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)  # chi[f, g]


def _eigen_multiplicities(generator_matrix, n, tolerance=0.1):
    """Multiplicity of each irrep f of Z_n in psi, counted from the eigenvalues e^{2πif/n}
    of psi(1) (an independent route to what the character formula gives)."""
    angles = np.angle(np.linalg.eigvals(generator_matrix)) * n / (2 * np.pi)
    nearest = np.round(angles)
    _hint(np.all(np.abs(angles - nearest) < tolerance), "psi(1): expected eigenvalues at n-th roots "
          "of unity (a representation of Z_n); got eigenvalues far from them")
    return np.bincount(nearest.astype(int) % n, minlength=n)


# ---- chapter 1 -----------------------------------------------------------------------------

def check_1_1(orbit_and_stabilizer):
    """orbit_and_stabilizer(G, x) -> (orbit size, stabilizer as sorted int array)."""
    rng = np.random.default_rng(11)
    plus = np.zeros((5, 5)); plus[2, :] = plus[:, 2] = 1.0
    bar = np.zeros((4, 4)); bar[1:3, :] = 1.0
    cases = [("a period-4 signal under Z_16", groups.cyclic(16), _periodic(16, 4, rng)),
             ("a generic signal under Z_12", groups.cyclic(12), rng.normal(size=12)),
             ("a plus sign under the dihedral group", groups.dihedral(5), plus),
             ("a bar under translations + rotations of 4x4", groups.translations_rotations(4), bar)]
    for name, G, x in cases:
        answer = orbit_and_stabilizer(G, x)
        _hint(isinstance(answer, tuple) and len(answer) == 2, "Exercise 1.1: expected a pair "
              f"(orbit size, stabilizer), got {type(answer).__name__}")
        size, stab = answer[0], np.sort(_array("1.1", "the stabilizer", answer[1], ndim=1))
        moving = [int(g) for g in stab if not np.array_equal(G.act(x, int(g)), x)]
        truth = G.stabilizer(x)
        _hint(not moving, f"Exercise 1.1: on {name}, your stabilizer holds elements that move x: "
              f"{moving}. Compare the whole image g·x with x (§1.1: (g·x).ravel() == x.ravel()[perms[g]]).")
        _hint(len(stab) == len(truth) and np.array_equal(np.unique(stab), stab), f"Exercise 1.1: on "
              f"{name}, your stabilizer misses elements that fix x "
              "(or repeats one): loop over every g in range(G.order) (§1.4).")
        _hint(int(size) * len(stab) == G.order, f"Exercise 1.1: on {name}, orbit size {size} times "
              "stabilizer size is not |G| (the orbit-stabilizer theorem, §1.4): count distinct images "
              "g·x (np.unique(..., axis=0) on the flattened images), not group elements.")
    _passed("1.1", "orbit sizes and stabilizers by hand on 4 cases, |orbit| * |stabilizer| == |G|")


def check_1_2(inverses):
    """inverses(table) -> int array inv with g∘inv[g] == e."""
    for G in (groups.cyclic(12), groups.dihedral(4), groups.translations_rotations(3)):
        inv = _array("1.2", "the inverses", inverses(G.table), ndim=1)
        _hint(inv.shape == (G.order,) and np.issubdtype(inv.dtype, np.integer), f"Exercise 1.2: "
              f"expected {G.order} integer elements for {G.name}, got shape {inv.shape}, dtype {inv.dtype}")
        e = np.arange(G.n_pixels)
        for g in range(G.order):  # undo on the pixels: perms of g∘h is perms[h][perms[g]]
            h = int(inv[g])
            _hint(0 <= h < G.order and np.array_equal(G.perms[h][G.perms[g]], e)
                  and np.array_equal(G.perms[g][G.perms[h]], e), f"Exercise 1.2: in {G.name}, your "
                  f"inverse of {g} is {h}, which does not undo it on the pixels: the inverse is the "
                  "column where row g of the table holds the identity 0 (§1.2, §1.3).")
    _passed("1.2", "g∘g⁻¹ == g⁻¹∘g == e on the pixels, for Z_12, D_4 and p4 on 3x3")


def check_1_3(signal_with_stabilizer):
    """signal_with_stabilizer(n, p, rng) -> a signal (n,) whose stabilizer in Z_n is p·Z_n."""
    rng = np.random.default_rng(13)
    for n, p in [(16, 4), (16, 8), (12, 3), (12, 6), (15, 5)]:
        x = _array("1.3", "the signal", signal_with_stabilizer(n, p, rng), dtype=float, ndim=1)
        _hint(x.shape == (n,), f"Exercise 1.3: expected a signal of shape ({n},), got {x.shape}")
        fixed = [m for m in range(n) if np.array_equal(np.roll(x, m), x)]
        extra = [m for m in fixed if m % p]
        _hint(not extra, f"Exercise 1.3: for n={n}, p={p} your signal is also fixed by the shifts {extra},"
              " which are not multiples of p: its period is smaller than p (§1.4, data.periodic_signals).")
        _hint(len(fixed) == n // p, f"Exercise 1.3: for n={n}, p={p} your signal is not fixed by every "
              "multiple of p: a shift by p must give back exactly the same array (§1.4).")
    _passed("1.3", "stabilizer == multiples of p, checked with np.roll, for 5 (n, p)")


# ---- chapter 2 -----------------------------------------------------------------------------

def _signal_sets(rng):
    n = 16
    generic = np.fft.ifft(np.fft.fft(rng.normal(size=(6, n))) * 0.7 ** np.minimum(np.arange(n), n - np.arange(n))).real
    periodic = np.stack([_periodic(n, p, rng) for p in (2, 4, 8, 8)])
    return {"generic smooth signals": generic, "periodic signals": periodic,
            "a mix of both": np.concatenate([generic, periodic]),
            "signals on Z_12": np.stack([_periodic(12, 6, rng), rng.normal(size=12)])}


def check_2_1(disentangled_floor):
    """disentangled_floor(X) -> relative error floor of the linear disentangled model on the
    whole orbits of X (B, n)."""
    for name, X in _signal_sets(np.random.default_rng(21)).items():
        value = float(disentangled_floor(X))
        _hint(0 <= value <= 1, f"Exercise 2.1: expected a fraction of the energy in [0, 1], got {value:.4g} "
              f"on {name}: divide by the total energy of the signals.")
        _hint(_close(value, _residual_in_g(X, [1]), 1e-6), f"Exercise 2.1: on {name} your floor {value:.4g} "
              "is not what a prediction holding only the frequencies 0 and ±1 in g can reach: keep the "
              "energy of every other frequency of each signal, summed over all signals (§2.5).")
    _passed("2.1", "the floor from the FFT equals the best fit in g of frequencies 0, ±1, on 4 sets")


def check_2_2(plane_fixers):
    """plane_fixers(n, k) -> sorted h in Z_n for which R(2πkh/n) fixes a non-zero vector."""
    for n, k in [(16, 1), (16, 4), (12, 8), (16, 0), (9, 3)]:
        h = np.sort(_array("2.2", "the elements h", plane_fixers(n, k), ndim=1))
        rotations = [np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) for t in 2 * np.pi * k * h / n]
        moving = [int(e) for e, R in zip(h, rotations) if np.linalg.matrix_rank(R - np.eye(2), tol=1e-9) == 2]
        _hint(not moving, f"Exercise 2.2: for n={n}, k={k} the rotation of h = {moving[0] if moving else ''}"
              f"{' (and of others you listed)' if len(moving) > 1 else ''} fixes only the origin "
              "(det(R - I) != 0): §2.2.")
        expected = n // math.gcd(n, k) if k else 1  # the fixers are the multiples of n / gcd(n, k)
        _hint(len(np.unique(h)) == n // expected, f"Exercise 2.2: for n={n}, k={k} you missed "
              "elements h whose rotation by 2πkh/n is a full turn (or repeated one) (§2.2).")
    _passed("2.2", "the elements that fix a vector of the frequency-k plane, on 5 (n, k)")


# ---- chapter 3 -----------------------------------------------------------------------------

def check_3_1(orbit_bound):
    """orbit_bound(x) -> the relative spread of the orbit of x (n,) under Z_n around its mean."""
    rng = np.random.default_rng(31)
    cases = [_periodic(16, p, rng) for p in (2, 4, 8)] + [rng.normal(size=16), np.ones(16), _periodic(12, 3, rng)]
    for x in cases:
        value = float(orbit_bound(x))
        orbit = _rolls(x)  # the spread of the orbit around its mean, relative to its energy
        spread = np.sum((orbit - orbit.mean(axis=0)) ** 2) / np.sum(orbit ** 2)
        _hint(_close(value, spread, 1e-8), f"Exercise 3.1: for a signal of {len(x)} pixels your bound "
              f"{value:.4g} is not the spread of its orbit around the orbit's mean: the mean of the orbit "
              "is the DC mode; the bound is the energy outside it, as a fraction of the total (§2).")
    _passed("3.1", "the bound from the FFT equals the orbit's spread on 6 signals")


def check_3_2(probe_geometry):
    """probe_geometry(x_sym, v, eps) -> (h, angle in degrees, ||y - h·y||) for y = x_sym + eps v."""
    rng = np.random.default_rng(32)
    op = operators.disentangled(groups.cyclic(16), 2)
    for p in (4, 8, 2):
        x, v = _periodic(16, p, rng), rng.normal(size=16)
        distances = []
        for eps in (1e-2, 1e-4):
            answer = probe_geometry(x, v, eps)
            _hint(isinstance(answer, tuple) and len(answer) == 3, "Exercise 3.2: expected a triple "
                  f"(h, angle in degrees, distance), got {type(answer).__name__}")
            h, angle, distance = int(answer[0]), float(answer[1]), float(answer[2])
            fixes = [m for m in range(1, 16) if np.array_equal(np.roll(x, m), x)]
            _hint(h in fixes and h == min(fixes), f"Exercise 3.2: for a period-{p} signal, h={h} is not the "
                  "smallest non-zero shift that fixes x_sym: look at its stabilizer (§1, chapter 1 §1.4).")
            M = op.matrix(h)  # the angle by which the disentangled operator turns the plane
            turn = np.degrees(np.arctan2(M[1, 0], M[0, 0])) % 360
            _hint(_close(angle % 360, turn, 1e-6), f"Exercise 3.2: for h={h} your angle {angle:.4g}° is not the"
                  " angle by which psi(h) turns latent dims 0-1 (§1), in degrees.")
            y = x + eps * v
            _hint(_close(distance, np.linalg.norm(y - np.roll(y, h)), 1e-8), f"Exercise 3.2: the distance "
                  f"{distance:.4g} is not ||y - h·y|| for y = x_sym + eps v (eps={eps:g}): h·y is a roll of y.")
            distances.append(distance / eps)
        _hint(_close(distances[0], distances[1], 1e-6), "Exercise 3.2: ||y - h·y|| / eps should not depend "
              "on eps (it is ||v - h·v||).")
    _passed("3.2", "h, the plane's angle and ||y - h·y|| = eps ||v - h·v|| for periods 4, 8, 2")


# ---- chapter 4 -----------------------------------------------------------------------------

def _rotation_matrices(n):
    """(4, n², n²) permutation matrices of the quarter turns of an n x n grid, from np.rot90."""
    index = np.arange(n * n).reshape(n, n)
    return np.stack([np.eye(n * n)[np.rot90(index, k).ravel()] for k in range(4)])


def check_4_1(rotation_multiplicities):
    """rotation_multiplicities(n) -> (pixel character (4,), multiplicities (4,)) of C_4 on n x n."""
    chi = _cyclic_characters(4)
    for n in (3, 4, 5):
        answer = rotation_multiplicities(n)
        _hint(isinstance(answer, tuple) and len(answer) == 2, "Exercise 4.1: expected a pair (pixel "
              f"character, multiplicities), got {type(answer).__name__}")
        character = _array("4.1", "the pixel character", answer[0], ndim=1)
        m = _array("4.1", "the multiplicities", answer[1], ndim=1)
        rho = _rotation_matrices(n)
        _hint(character.shape == (4,) and np.allclose(character, np.trace(rho, axis1=1, axis2=2)),
              f"Exercise 4.1: for {n}x{n} your pixel character is not the number of pixels each quarter "
              "turn k = 0..3 leaves in place (§2: chi_rho(g) = tr rho(g)).")
        _hint(m.shape == (4,) and np.allclose(m, np.round(m.real)) and np.isclose(np.sum(m), n * n),
              f"Exercise 4.1: for {n}x{n} expected 4 whole multiplicities adding up to the dimension n², "
              f"got {np.round(m, 3).tolist()}: m_f = (1/|G|) sum_g conj(chi_f(g)) chi_rho(g) (§2).")
        ranks = [np.linalg.matrix_rank(np.einsum("g,gij->ij", chi[f].conj(), rho) / 4) for f in range(4)]
        _hint(np.allclose(m, ranks), f"Exercise 4.1: for {n}x{n} your multiplicities do not count the "
              "irreps in the pixels (they differ from the ranks of the projectors P_f, §1-2): check the "
              "conjugate and the 1/|G|.")
    _passed("4.1", "pixel characters and multiplicities of C_4 on 3x3, 4x4, 5x5 equal the projector ranks")


def check_4_2(allowed_frequencies):
    """allowed_frequencies(n, p) -> sorted frequencies f a period-p signal of n pixels can carry."""
    rng = np.random.default_rng(42)
    for n, p in [(16, 8), (16, 4), (12, 3), (12, 6), (15, 5)]:
        f = np.sort(_array("4.2", "the frequencies", allowed_frequencies(n, p), ndim=1))
        power = np.sum(np.abs(np.fft.fft([_periodic(n, p, rng) for _ in range(8)], axis=1)) ** 2, axis=0)
        carried = set(np.flatnonzero(power > 1e-12 * power.sum()).tolist())
        _hint(set(f.tolist()) >= carried, f"Exercise 4.2: for n={n}, p={p} you left out "
              "frequencies that a period-p signal does carry (§3).")
        _hint(len(f) == len(carried) == len(set(f.tolist())), f"Exercise 4.2: for n={n}, p={p} you listed "
              "frequencies where chi_f(p) != 1, which a period-p signal cannot carry (§3).")
    _passed("4.2", "the frequencies with chi_f(p) = 1 are the ones carried by random periodic signals")


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
        m = _array("4.3", "the multiplicities", operator_multiplicities(M), ndim=1)
        _hint(m.shape == (8,) and np.allclose(m, np.round(np.real(m))), f"Exercise 4.3: on {name} expected 8 "
              f"whole numbers (one per irrep of Z_8), got {np.round(m, 3).tolist()}: round the real part.")
        _hint(np.isclose(np.sum(m), M.shape[1]), f"Exercise 4.3: on {name} your multiplicities add up to "
              f"{np.sum(m):g}, not the latent dimension: chi(e) = tr psi(e) = L (§4).")
        _hint(np.allclose(m, _eigen_multiplicities(M[1], 8)), f"Exercise 4.3: on {name} your multiplicities "
              "disagree with the eigenvalues e^(2πif/n) of psi(1): use m_f = (1/|G|) sum_g conj(chi_f(g)) "
              "tr psi(g), with chi_f(g) = e^(2πifg/n) (§2, §4).")
    _passed("4.3", "multiplicities from traces equal the eigenvalue counts of psi(1) on 3 operators")


# ---- chapter 5 -----------------------------------------------------------------------------

def check_5_1(roll_shift):
    """roll_shift(Z, g, n) -> psi(g) Z for the shift operator of Z_n, Z (B, n·d), via np.roll."""
    rng = np.random.default_rng(51)
    for n, d in [(16, 2), (5, 3), (7, 1)]:
        G = groups.cyclic(n)
        Z, g, h = rng.normal(size=(40, n * d)), rng.integers(0, n, 40), rng.integers(0, n, 40)
        out = _array("5.1", "psi(g) Z", roll_shift(Z, g, n), ndim=2)
        _hint(out.shape == Z.shape, f"Exercise 5.1: expected shape {Z.shape} for n={n}, d={d}, got {out.shape}")
        blocks = Z.reshape(40, n, d)  # (psi(g) z)[k] = z[g⁻¹∘k], read through the table
        reference = np.stack([blocks[b, G.table[G.inverse[g[b]]]] for b in range(40)]).reshape(Z.shape)
        _hint(np.array_equal(out, reference), f"Exercise 5.1: for n={n}, d={d} your psi(g) z is not "
              "(psi(g) z)[k] = z[g⁻¹∘k] (§5.1): block h must move to block g∘h; check the axis and the direction of the roll.")
        twice = roll_shift(roll_shift(Z, h, n), g, n)
        _hint(np.array_equal(twice, roll_shift(Z, G.table[g, h], n)) and np.array_equal(
              roll_shift(Z, np.zeros(40, int), n), Z), "Exercise 5.1: psi(g)psi(h) != psi(g∘h) exactly (§5.2).")
    _passed("5.1", "np.roll of the blocks == the table definition, and a homomorphism, exactly")


def check_5_2(fixed_dimensions):
    """fixed_dimensions(n, d) -> (n,) dimension of the fixed space of psi(h) for h in Z_n."""
    for n, d in [(16, 2), (12, 1), (9, 3)]:
        dims = _array("5.2", "the dimensions", fixed_dimensions(n, d), ndim=1)
        _hint(dims.shape == (n,), f"Exercise 5.2: expected one dimension per h (shape ({n},)), got {dims.shape}")
        for h in range(n):  # a fixed vector is constant on each cycle of k -> k + h: count cycles
            seen, cycles = set(), 0
            for k in range(n):
                cycles += k not in seen
                while k not in seen:
                    seen.add(k); k = (k + h) % n
            _hint(np.isclose(dims[h], cycles * d), f"Exercise 5.2: for n={n}, d={d}, h={h} your dimension "
                  f"{dims[h]:g} is wrong: L - rank(psi(h) - I), or count the cycles of the blocks (§5.3).")
    _passed("5.2", "fixed-space dimensions equal d x the number of block cycles, on 3 (n, d)")


# ---- chapter 6 -----------------------------------------------------------------------------

def check_6_1(equivariant_encoder):
    """equivariant_encoder(X) -> Z: (B, 16) -> (B, 32), non-linear and exactly equivariant for
    the shift operator of Z_16 with d = 2."""
    rng = np.random.default_rng(61)
    G, op = groups.cyclic(16), operators.shift(groups.cyclic(16), 32)
    X, Y, g = rng.normal(size=(50, 16)), rng.normal(size=(50, 16)), rng.integers(0, 16, 50)
    Z = _array("6.1", "the codes", equivariant_encoder(X), dtype=float, ndim=2)
    _hint(Z.shape == (50, 32), f"Exercise 6.1: expected codes of shape (50, 32) for 50 signals, got {Z.shape}")
    error = np.sum((equivariant_encoder(G.act(X, g)) - op(Z, g)) ** 2) / np.sum(Z ** 2)
    _hint(error < 1e-20, f"Exercise 6.1: encode(g·x) differs from psi(g) encode(x) (relative {error:.1e}): "
          "block k of the code (2 numbers) must depend on the signal only as pixel k does (§6.3, §5.1).")
    linear = np.allclose(equivariant_encoder(X + Y), Z + equivariant_encoder(Y)) and np.allclose(
        equivariant_encoder(2 * X), 2 * Z)
    _hint(not linear, "Exercise 6.1: your encoder is linear; the exercise asks for a non-linear one (tanh, §6.1).")
    _hint(np.linalg.matrix_rank(Z) > 1, "Exercise 6.1: your codes are (nearly) constant: the decoder "
          "could not reconstruct anything from them.")
    _passed("6.1", "a non-linear encoder with encode(g·x) == psi(g) encode(x) to 1e-10")


def check_6_2(mlp_parameters):
    """mlp_parameters(n, hidden, latent) -> the number of trained numbers of models.mlp."""
    for n, hidden, latent in [(16, (64,), 16), (16, (128,), 32), (36, (64, 32), 72)]:
        count = mlp_parameters(n, hidden, latent)
        params = models.mlp((n,), latent, hidden=hidden).init(np.random.default_rng(0))
        _hint(count == sum(p.size for p in params.values()), f"Exercise 6.2: for n={n}, hidden={hidden}, "
              f"latent={latent} you counted {count}: every layer a -> b has a·b weights and b biases, in "
              "the encoder n -> hidden -> latent and the decoder latent -> reversed hidden -> n (§6.1).")
    _passed("6.2", "parameter counts equal those of models.mlp(...).init on 3 architectures")


# ---- chapter 7 -----------------------------------------------------------------------------

def check_7_1(regular_representation):
    """regular_representation(table) -> (|G|, |G|, |G|) permutation matrices of the shift."""
    for G in (groups.dihedral(4), groups.translations_rotations(3), groups.cyclic(6)):
        M = _array("7.1", "the matrices", regular_representation(G.table), dtype=float, ndim=3)
        _hint(M.shape == (G.order,) * 3, f"Exercise 7.1: expected shape {(G.order,) * 3} for {G.name}, "
              f"got {M.shape}")
        _hint(np.all((M == 0) | (M == 1)) and np.all(M.sum(axis=1) == 1) and np.all(M.sum(axis=2) == 1),
              f"Exercise 7.1: for {G.name} expected permutation matrices (one 1 per row and column).")
        bad = [(g, h) for g in range(G.order) for h in range(G.order)
               if not np.array_equal(M[g] @ M[h], M[G.table[g, h]])]
        _hint(not bad, f"Exercise 7.1: for {G.name}, M[g] @ M[h] != M[g∘h] at {len(bad)} pairs, e.g. "
              f"{bad[0] if bad else ''}: send basis vector e_h to e_(g∘h), not e_(h∘g) (§4: psi(g)z[h] = z[g⁻¹h]).")
        shift = operators.shift(G, G.order)
        _hint(all(np.array_equal(M[g], shift.matrix(g)) for g in range(G.order)), f"Exercise 7.1: for "
              f"{G.name} your matrices are a representation but not the shift operator's: "
              "column h of M[g] must be e_(table[g, h]).")
    _passed("7.1", "permutation matrices, M[g]M[h] == M[g∘h], equal to operators.shift, on D_4, p4, Z_6")


def check_7_2(pixel_orbit_count):
    """pixel_orbit_count(G) -> the number of orbits of the pixels under G."""
    for G in (groups.rotations(6), groups.dihedral(6), groups.rotations(5), groups.translations((4, 4)),
              groups.translations_rotations(4), groups.cyclic(10)):
        count = pixel_orbit_count(G)
        fixed = (G.perms == np.arange(G.n_pixels)).sum(axis=1)  # Burnside: mean number of fixed pixels
        _hint(count == fixed.sum() // G.order, f"Exercise 7.2: for {G.name} you counted {count} orbits: "
              "follow each pixel p to every perms[g][p] and count the distinct sets (§5).")
    _passed("7.2", "pixel orbit counts equal Burnside's mean number of fixed pixels, on 6 groups")


# ---- chapter 8 -----------------------------------------------------------------------------

def check_8_1(cyclic_automorphisms):
    """cyclic_automorphisms(n) -> sorted multipliers a of the automorphisms g -> a·g of Z_n."""
    for n in (12, 16, 7, 9):
        a = np.sort(_array("8.1", "the multipliers", cyclic_automorphisms(n), ndim=1))
        table, elements = groups.cyclic(n).table, np.arange(n)
        truth = [b for b in range(n)  # bijective maps that respect the table
                 if len(set(b * elements % n)) == n
                 and np.array_equal((b * table) % n, ((b * elements)[:, None] + b * elements) % n)]
        wrong = [int(b) for b in a if b not in truth]
        _hint(not wrong, f"Exercise 8.1: for n={n}, g -> a·g is not an automorphism for a = {wrong[0] if wrong else ''}"
              f"{' (nor for some others of yours)' if len(wrong) > 1 else ''}: it must be a bijection of Z_n (§2b).")
        _hint(len(a) == len(truth) == len(set(a.tolist())), f"Exercise 8.1: for n={n} some automorphisms "
              "are missing (or repeated): try every a in range(n) (§2b).")
    _passed("8.1", "the automorphisms of Z_12, Z_16, Z_7, Z_9, checked against the table")


def check_8_2(reported_multiplier):
    """reported_multiplier(c, n) -> the a for which an exact model with encoder z[j] = x[c·j mod n]
    and the shift operator infers a·g for the pair (x, g·x)."""
    rng = np.random.default_rng(82)
    for c, n in [(11, 16), (5, 12), (7, 12), (3, 16), (2, 5)]:
        a = reported_multiplier(c, n)
        x = rng.normal(size=n)
        code = lambda s: s[(c * np.arange(n)) % n]
        for g in range(n):  # inference: the candidate g' whose shift carries code(x) onto code(g·x)
            scores = [np.sum((np.roll(code(x), k) - code(np.roll(x, g))) ** 2) for k in range(n)]
            _hint(int(np.argmin(scores)) == (a * g) % n, f"Exercise 8.2: for c={c}, n={n} the model does not "
                  f"infer {a}·g: z[c·m] = x[m], so a shift of x by g moves the code by the g' with "
                  "c·g' = g mod n (§2b, the 11 of the chapter).")
    _passed("8.2", "the inferred labels are a·g with your a, on 5 (c, n)")


def check_8_3(expected_strict_accuracy):
    """expected_strict_accuracy(X1) -> mean over x1 in X1 (B, n) of the chance that a coset-correct
    guess, uniform in the coset, is the given g (Z_n acting by rolls)."""
    rng = np.random.default_rng(83)
    for n, periods in [(16, (16, 2, 4, 8)), (12, (12, 12, 3, 6, 4)), (16, (16,))]:
        X1 = np.stack([_periodic(n, p, rng) for p in periods])
        value = float(expected_strict_accuracy(X1))
        orbit_sizes = [len(np.unique(_rolls(x), axis=0)) for x in X1]  # |orbit| / |G| = 1 / |Stab|
        _hint(_close(value, np.mean(orbit_sizes) / n, 1e-9), f"Exercise 8.3: on {len(X1)} signals of "
              f"{n} pixels your value {value:.4g} is not the mean chance: a coset of x1's stabilizer H has "
              "|H| elements (§2a, §4).")
    _passed("8.3", "expected strict accuracy == mean |orbit| / |G| (orbit-stabilizer), on 3 sets")


# ---- chapter 9 -----------------------------------------------------------------------------

def check_9_1(predicted_errors):
    """predicted_errors(X) -> {"no operator": e, "disentangled": e, "shift": e}, the floors of the
    linear models (latent n) over the whole orbits of X (B, n) under Z_n."""
    rng = np.random.default_rng(91)
    sets = {"period-6 and period-4 signals on Z_12": np.stack([_periodic(12, p, rng) for p in (6, 4, 6)]),
            "generic signals on Z_10": rng.normal(size=(4, 10)) + 2,
            "a mix on Z_16": np.stack([_periodic(16, 8, rng), rng.normal(size=16)])}
    for name, X in sets.items():
        answer = predicted_errors(X)
        _hint(isinstance(answer, dict) and set(answer) == {"no operator", "disentangled", "shift"},
              "Exercise 9.1: expected a dict with the keys 'no operator', 'disentangled', 'shift', got "
              f"{sorted(answer) if isinstance(answer, dict) else type(answer).__name__}")
        truth = {"no operator": _residual_in_g(X, []), "disentangled": _residual_in_g(X, [1]),
                 "shift": _residual_in_g(X, range(X.shape[1] // 2 + 1))}
        for key, value in truth.items():
            _hint(_close(float(answer[key]), value, 1e-6), f"Exercise 9.1: on {name}, your '{key}' error "
                  f"{float(answer[key]):.4g} is not that model's floor: as a function of g its prediction holds "
                  "only the frequencies of its operator's irreps (chapter 2 §2.5, chapter 4 §4-5).")
    _passed("9.1", "the three floors predicted from the FFT equal least-squares fits in g, on 3 new sets")


def check_9_2(gaussian_kl):
    """gaussian_kl(mean, log_variance) -> (B,) KL(N(mean, diag e^log_variance) || N(0, I))."""
    rng = np.random.default_rng(92)
    mean, log_variance = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    kl = _array("9.2", "the KL divergences", gaussian_kl(mean, log_variance), dtype=float, ndim=1)
    _hint(kl.shape == (3,), f"Exercise 9.2: expected one KL per row, shape (3,), got {kl.shape}")
    z = np.linspace(-12, 12, 40001)  # numerical integral of q log(q/p), one dimension at a time
    sd = np.exp(log_variance / 2)[..., None]
    q = np.exp(-0.5 * ((z - mean[..., None]) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    log_ratio = -0.5 * ((z - mean[..., None]) / sd) ** 2 - np.log(sd) + 0.5 * z ** 2
    numeric = np.sum(q * log_ratio, axis=(1, 2)) * (z[1] - z[0])  # the tails are below 1e-30
    zero = _array("9.2", "the KL divergences", gaussian_kl(np.zeros((1, 4)), np.zeros((1, 4))), dtype=float)
    _hint(np.allclose(zero, 0), "Exercise 9.2: KL(q || p) must be 0 when q = p = N(0, I); yours is not.")
    _hint(np.allclose(kl, numeric, rtol=1e-6, atol=1e-9), "Exercise 9.2: your KL differs from a numerical "
          "integral of q log(q/p): sum over latent dims, and mind log_variance = log sigma² (§2).")
    _passed("9.2", "the closed-form KL equals a numerical integral, and is 0 at q = p")


# ---- chapters 10 and 11 (generic: they take the values computed in the chapter) --------------

def check_10_1(polar, rotated_polar, k):
    """k: the roll along the angle axis (last) that turns `polar` into `rotated_polar` (r, angles)."""
    polar, rotated_polar = np.asarray(polar, float), np.asarray(rotated_polar, float)
    _hint(isinstance(k, (int, np.integer)), f"Exercise 10.1: expected an integer roll, got {type(k).__name__}")
    errors = [np.sum((np.roll(polar, s, axis=-1) - rotated_polar) ** 2) for s in range(polar.shape[-1])]
    best = int(np.argmin(errors))
    _hint(errors[k % polar.shape[-1]] <= errors[best] * (1 + 1e-9) + 1e-12, f"Exercise 10.1: rolling the polar "
          f"image by {k} along the angle axis does not give the rotated one: a rotation by theta moves the "
          "angle coordinate by theta / (360° / number of angles) samples; check the sign and the axis.")
    _passed("10.1", "the rotation is a roll of the polar image along the angle axis")


def check_10_2(asymmetry):
    """asymmetry(x) -> float: min over the 3 non-trivial 90° rotations h of ‖h·x − x‖ / ‖x‖
    for one square image x (n, n)."""
    rng = np.random.default_rng(10)
    generic = rng.random((8, 8))
    half_turn = generic + np.rot90(generic, 2)  # fixed by the half turn only
    quarter = sum(np.rot90(generic, k) for k in range(4))  # fixed by every rotation
    for name, x in (("a random image", generic), ("a half-turn symmetric image", half_turn),
                    ("a fully symmetric image", quarter)):
        expected = min(np.linalg.norm(np.rot90(x, k) - x) for k in (1, 2, 3)) / np.linalg.norm(x)
        got = asymmetry(x)
        _hint(isinstance(got, (float, np.floating)) and np.isfinite(got), "Exercise 10.2: expected one "
              f"finite number per image, got {type(got).__name__}")
        _hint(np.isclose(got, expected, rtol=1e-9, atol=1e-12), f"Exercise 10.2: on {name} your value is "
              "not the smallest relative distance ‖h·x − x‖ / ‖x‖ over the rotations h ≠ e (§6): leave out "
              "the identity, take the minimum, divide by ‖x‖.")
    _passed("10.2", "a(x) is 0 exactly on symmetric images and the smallest move of x otherwise")


def check_11_1(matrices, multiplicities):
    """multiplicities (n,): of each irrep of Z_n in an operator given by its matrices (n, L, L)
    (exact or learned), as computed from its character."""
    M = np.asarray(matrices)
    m = _array("11.1", "the multiplicities", multiplicities, ndim=1)
    _hint(m.shape == (len(M),) and np.allclose(m, np.round(np.real(m))), "Exercise 11.1: expected one whole "
          f"number per irrep ({len(M)}), got {np.round(m, 3).tolist()}: round the real part of the formula.")
    _hint(np.isclose(np.sum(m), M.shape[1]), "Exercise 11.1: the multiplicities must add up to the latent "
          "dimension: chi(e) = tr psi(e) = L.")
    _hint(np.allclose(m, _eigen_multiplicities(M[1], len(M))), "Exercise 11.1: your multiplicities disagree "
          "with the eigenvalues of psi(1): m_f = (1/|G|) sum_g conj(chi_f(g)) tr psi(g).")
    _passed("11.1", "multiplicities from the character equal the eigenvalue counts of psi(1)")


def check_11_2(class_count):
    """class_count(table) -> int: the number of conjugacy classes of the group whose
    multiplication table (|G|, |G|) is given (table[g, h] = g∘h, 0 the identity)."""
    for G in (groups.cyclic(6), groups.generate((3,), [[1, 2, 0], [1, 0, 2]]), groups.dihedral(3),
              groups.translations_rotations(3)):
        commuting = np.sum(G.table == G.table.T)  # pairs (g, h) with gh = hg: |G| x #classes (Burnside)
        got = class_count(G.table)
        _hint(isinstance(got, (int, np.integer)), f"Exercise 11.2: expected a whole number, got {type(got).__name__}")
        _hint(got * G.order == commuting, f"Exercise 11.2: for {G.name} (order {G.order}) your {got} classes "
              "is not the number of conjugacy classes (§1): a class is {x g x⁻¹ : x in G}; build the inverse "
              "of every element from the table, and count distinct classes, not elements.")
    _passed("11.2", "the class count equals (number of commuting pairs) / |G| on four groups")


if __name__ == "__main__":
    from . import student_copies  # the writer needs nbformat; the checkers do not
    student_copies.main()
