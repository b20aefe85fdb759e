"""Checkers of the exercises of chapters 5-11: the shift operator, two dimensions, weak supervision,
the results table, real digits, learned operators."""
import numpy as np

from .. import groups, models, operators
from . import common


# ---- chapter 5 -----------------------------------------------------------------------------

def check_5_1(roll_shift):
    """roll_shift(Z, g, n) -> psi(g) Z for the shift operator of Z_n, Z (B, n·d), via np.roll."""
    rng = np.random.default_rng(51)
    for n, d in [(16, 2), (5, 3), (7, 1)]:
        G = groups.cyclic(n)
        Z, g, h = rng.normal(size=(40, n * d)), rng.integers(0, n, 40), rng.integers(0, n, 40)
        out = common.array("5.1", "psi(g) Z", roll_shift(Z, g, n), ndim=2)
        common.hint(out.shape == Z.shape, f"Exercise 5.1: expected shape {Z.shape} for n={n}, d={d}, got {out.shape}")
        blocks = Z.reshape(40, n, d)  # (psi(g) z)[k] = z[g⁻¹∘k], read through the table
        reference = np.stack([blocks[b, G.table[G.inverse[g[b]]]] for b in range(40)]).reshape(Z.shape)
        common.hint(np.array_equal(out, reference), f"Exercise 5.1: for n={n}, d={d} your psi(g) z is not "
              "(psi(g) z)[k] = z[g⁻¹∘k] (§5.1): block h must move to block g∘h; check the axis and the direction of the roll.")
        twice = roll_shift(roll_shift(Z, h, n), g, n)
        common.hint(np.array_equal(twice, roll_shift(Z, G.table[g, h], n)) and np.array_equal(
              roll_shift(Z, np.zeros(40, int), n), Z), "Exercise 5.1: psi(g)psi(h) != psi(g∘h) exactly (§5.2).")
    common.passed("5.1", "np.roll of the blocks == the table definition, and a homomorphism, exactly")


def check_5_2(fixed_dimensions):
    """fixed_dimensions(n, d) -> (n,) dimension of the fixed space of psi(h) for h in Z_n."""
    for n, d in [(16, 2), (12, 1), (9, 3)]:
        dims = common.array("5.2", "the dimensions", fixed_dimensions(n, d), ndim=1)
        common.hint(dims.shape == (n,), f"Exercise 5.2: expected one dimension per h (shape ({n},)), got {dims.shape}")
        for h in range(n):  # a fixed vector is constant on each cycle of k -> k + h: count cycles
            seen, cycles = set(), 0
            for k in range(n):
                cycles += k not in seen
                while k not in seen:
                    seen.add(k); k = (k + h) % n
            common.hint(np.isclose(dims[h], cycles * d), f"Exercise 5.2: for n={n}, d={d}, h={h} your dimension "
                  f"{dims[h]:g} is wrong: L - rank(psi(h) - I), or count the cycles of the blocks (§5.3).")
    common.passed("5.2", "fixed-space dimensions equal d x the number of block cycles, on 3 (n, d)")


# ---- chapter 6 -----------------------------------------------------------------------------

def check_6_1(equivariant_encoder):
    """equivariant_encoder(X) -> Z: (B, 16) -> (B, 32), non-linear and exactly equivariant for
    the shift operator of Z_16 with d = 2."""
    rng = np.random.default_rng(61)
    G, op = groups.cyclic(16), operators.shift(groups.cyclic(16), 32)
    X, Y, g = rng.normal(size=(50, 16)), rng.normal(size=(50, 16)), rng.integers(0, 16, 50)
    Z = common.array("6.1", "the codes", equivariant_encoder(X), dtype=float, ndim=2)
    common.hint(Z.shape == (50, 32), f"Exercise 6.1: expected codes of shape (50, 32) for 50 signals, got {Z.shape}")
    error = np.sum((equivariant_encoder(G.act(X, g)) - op(Z, g)) ** 2) / np.sum(Z ** 2)
    common.hint(error < 1e-20, f"Exercise 6.1: encode(g·x) differs from psi(g) encode(x) (relative {error:.1e}): "
          "block k of the code (2 numbers) must depend on the signal only as pixel k does (§6.3, §5.1).")
    linear = np.allclose(equivariant_encoder(X + Y), Z + equivariant_encoder(Y)) and np.allclose(
        equivariant_encoder(2 * X), 2 * Z)
    common.hint(not linear, "Exercise 6.1: your encoder is linear; the exercise asks for a non-linear one (tanh, §6.1).")
    common.hint(np.linalg.matrix_rank(Z) > 1, "Exercise 6.1: your codes are (nearly) constant: the decoder "
          "could not reconstruct anything from them.")
    common.passed("6.1", "a non-linear encoder with encode(g·x) == psi(g) encode(x) to 1e-10")


def check_6_2(mlp_parameters):
    """mlp_parameters(n, hidden, latent) -> the number of trained numbers of models.mlp."""
    for n, hidden, latent in [(16, (64,), 16), (16, (128,), 32), (36, (64, 32), 72)]:
        count = mlp_parameters(n, hidden, latent)
        params = models.mlp((n,), latent, hidden=hidden).init(np.random.default_rng(0))
        common.hint(count == sum(p.size for p in params.values()), f"Exercise 6.2: for n={n}, hidden={hidden}, "
              f"latent={latent} you counted {count}: every layer a -> b has a·b weights and b biases, in "
              "the encoder n -> hidden -> latent and the decoder latent -> reversed hidden -> n (§6.1).")
    common.passed("6.2", "parameter counts equal those of models.mlp(...).init on 3 architectures")


# ---- chapter 7 -----------------------------------------------------------------------------

def check_7_1(regular_representation):
    """regular_representation(table) -> (|G|, |G|, |G|) permutation matrices of the shift."""
    for G in (groups.dihedral(4), groups.translations_rotations(3), groups.cyclic(6)):
        M = common.array("7.1", "the matrices", regular_representation(G.table), dtype=float, ndim=3)
        common.hint(M.shape == (G.order,) * 3, f"Exercise 7.1: expected shape {(G.order,) * 3} for {G.name}, "
              f"got {M.shape}")
        common.hint(np.all((M == 0) | (M == 1)) and np.all(M.sum(axis=1) == 1) and np.all(M.sum(axis=2) == 1),
              f"Exercise 7.1: for {G.name} expected permutation matrices (one 1 per row and column).")
        bad = [(g, h) for g in range(G.order) for h in range(G.order)
               if not np.array_equal(M[g] @ M[h], M[G.table[g, h]])]
        common.hint(not bad, f"Exercise 7.1: for {G.name}, M[g] @ M[h] != M[g∘h] at {len(bad)} pairs, e.g. "
              f"{bad[0] if bad else ''}: send basis vector e_h to e_(g∘h), not e_(h∘g) (§4: psi(g)z[h] = z[g⁻¹h]).")
        shift = operators.shift(G, G.order)
        common.hint(all(np.array_equal(M[g], shift.matrix(g)) for g in range(G.order)), f"Exercise 7.1: for "
              f"{G.name} your matrices are a representation but not the shift operator's: "
              "column h of M[g] must be e_(table[g, h]).")
    common.passed("7.1", "permutation matrices, M[g]M[h] == M[g∘h], equal to operators.shift, on D_4, p4, Z_6")


def check_7_2(pixel_orbit_count):
    """pixel_orbit_count(G) -> the number of orbits of the pixels under G."""
    for G in (groups.rotations(6), groups.dihedral(6), groups.rotations(5), groups.translations((4, 4)),
              groups.translations_rotations(4), groups.cyclic(10)):
        count = pixel_orbit_count(G)
        fixed = (G.perms == np.arange(G.n_pixels)).sum(axis=1)  # Burnside: mean number of fixed pixels
        common.hint(count == fixed.sum() // G.order, f"Exercise 7.2: for {G.name} you counted {count} orbits: "
              "follow each pixel p to every perms[g][p] and count the distinct sets (§5).")
    common.passed("7.2", "pixel orbit counts equal Burnside's mean number of fixed pixels, on 6 groups")


# ---- chapter 8 -----------------------------------------------------------------------------

def check_8_1(cyclic_automorphisms):
    """cyclic_automorphisms(n) -> sorted multipliers a of the automorphisms g -> a·g of Z_n."""
    for n in (12, 16, 7, 9):
        a = np.sort(common.array("8.1", "the multipliers", cyclic_automorphisms(n), ndim=1))
        table, elements = groups.cyclic(n).table, np.arange(n)
        truth = [b for b in range(n)  # bijective maps that respect the table
                 if len(set(b * elements % n)) == n
                 and np.array_equal((b * table) % n, ((b * elements)[:, None] + b * elements) % n)]
        wrong = [int(b) for b in a if b not in truth]
        common.hint(not wrong, f"Exercise 8.1: for n={n}, g -> a·g is not an automorphism for a = {wrong[0] if wrong else ''}"
              f"{' (nor for some others of yours)' if len(wrong) > 1 else ''}: it must be a bijection of Z_n (§2b).")
        common.hint(len(a) == len(truth) == len(set(a.tolist())), f"Exercise 8.1: for n={n} some automorphisms "
              "are missing (or repeated): try every a in range(n) (§2b).")
    common.passed("8.1", "the automorphisms of Z_12, Z_16, Z_7, Z_9, checked against the table")


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
            common.hint(int(np.argmin(scores)) == (a * g) % n, f"Exercise 8.2: for c={c}, n={n} the model does not "
                  f"infer {a}·g: z[c·m] = x[m], so a shift of x by g moves the code by the g' with "
                  "c·g' = g mod n (§2b, the 11 of the chapter).")
    common.passed("8.2", "the inferred labels are a·g with your a, on 5 (c, n)")


def check_8_3(expected_strict_accuracy):
    """expected_strict_accuracy(X1) -> mean over x1 in X1 (B, n) of the chance that a coset-correct
    guess, uniform in the coset, is the given g (Z_n acting by rolls)."""
    rng = np.random.default_rng(83)
    for n, periods in [(16, (16, 2, 4, 8)), (12, (12, 12, 3, 6, 4)), (16, (16,))]:
        X1 = np.stack([common.periodic(n, p, rng) for p in periods])
        value = float(expected_strict_accuracy(X1))
        orbit_sizes = [len(np.unique(common.rolls(x), axis=0)) for x in X1]  # |orbit| / |G| = 1 / |Stab|
        common.hint(common.close(value, np.mean(orbit_sizes) / n, 1e-9), f"Exercise 8.3: on {len(X1)} signals of "
              f"{n} pixels your value {value:.4g} is not the mean chance: a coset of x1's stabilizer H has "
              "|H| elements (§2a, §4).")
    common.passed("8.3", "expected strict accuracy == mean |orbit| / |G| (orbit-stabilizer), on 3 sets")


# ---- chapter 9 -----------------------------------------------------------------------------

def check_9_1(predicted_errors):
    """predicted_errors(X) -> {"no operator": e, "disentangled": e, "shift": e}, the floors of the
    linear models (latent n) over the whole orbits of X (B, n) under Z_n."""
    rng = np.random.default_rng(91)
    sets = {"period-6 and period-4 signals on Z_12": np.stack([common.periodic(12, p, rng) for p in (6, 4, 6)]),
            "generic signals on Z_10": rng.normal(size=(4, 10)) + 2,
            "a mix on Z_16": np.stack([common.periodic(16, 8, rng), rng.normal(size=16)])}
    for name, X in sets.items():
        answer = predicted_errors(X)
        common.hint(isinstance(answer, dict) and set(answer) == {"no operator", "disentangled", "shift"},
              "Exercise 9.1: expected a dict with the keys 'no operator', 'disentangled', 'shift', got "
              f"{sorted(answer) if isinstance(answer, dict) else type(answer).__name__}")
        truth = {"no operator": common.residual_in_g(X, []), "disentangled": common.residual_in_g(X, [1]),
                 "shift": common.residual_in_g(X, range(X.shape[1] // 2 + 1))}
        for key, value in truth.items():
            common.hint(common.close(float(answer[key]), value, 1e-6), f"Exercise 9.1: on {name}, your '{key}' error "
                  f"{float(answer[key]):.4g} is not that model's floor: as a function of g its prediction holds "
                  "only the frequencies of its operator's irreps (chapter 2 §2.5, chapter 4 §4-5).")
    common.passed("9.1", "the three floors predicted from the FFT equal least-squares fits in g, on 3 new sets")


def check_9_2(gaussian_kl):
    """gaussian_kl(mean, log_variance) -> (B,) KL(N(mean, diag e^log_variance) || N(0, I))."""
    rng = np.random.default_rng(92)
    mean, log_variance = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    kl = common.array("9.2", "the KL divergences", gaussian_kl(mean, log_variance), dtype=float, ndim=1)
    common.hint(kl.shape == (3,), f"Exercise 9.2: expected one KL per row, shape (3,), got {kl.shape}")
    z = np.linspace(-12, 12, 40001)  # numerical integral of q log(q/p), one dimension at a time
    sd = np.exp(log_variance / 2)[..., None]
    q = np.exp(-0.5 * ((z - mean[..., None]) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    log_ratio = -0.5 * ((z - mean[..., None]) / sd) ** 2 - np.log(sd) + 0.5 * z ** 2
    numeric = np.sum(q * log_ratio, axis=(1, 2)) * (z[1] - z[0])  # the tails are below 1e-30
    zero = common.array("9.2", "the KL divergences", gaussian_kl(np.zeros((1, 4)), np.zeros((1, 4))), dtype=float)
    common.hint(np.allclose(zero, 0), "Exercise 9.2: KL(q || p) must be 0 when q = p = N(0, I); yours is not.")
    common.hint(np.allclose(kl, numeric, rtol=1e-6, atol=1e-9), "Exercise 9.2: your KL differs from a numerical "
          "integral of q log(q/p): sum over latent dims, and mind log_variance = log sigma² (§2).")
    common.passed("9.2", "the closed-form KL equals a numerical integral, and is 0 at q = p")


# ---- chapters 10 and 11 (generic: they take the values computed in the chapter) --------------

def check_10_1(polar, rotated_polar, k):
    """k: the roll along the angle axis (last) that turns `polar` into `rotated_polar` (r, angles)."""
    polar, rotated_polar = np.asarray(polar, float), np.asarray(rotated_polar, float)
    common.hint(isinstance(k, (int, np.integer)), f"Exercise 10.1: expected an integer roll, got {type(k).__name__}")
    errors = [np.sum((np.roll(polar, s, axis=-1) - rotated_polar) ** 2) for s in range(polar.shape[-1])]
    best = int(np.argmin(errors))
    common.hint(errors[k % polar.shape[-1]] <= errors[best] * (1 + 1e-9) + 1e-12, f"Exercise 10.1: rolling the polar "
          f"image by {k} along the angle axis does not give the rotated one: a rotation by theta moves the "
          "angle coordinate by theta / (360° / number of angles) samples; check the sign and the axis.")
    common.passed("10.1", "the rotation is a roll of the polar image along the angle axis")


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
        common.hint(isinstance(got, (float, np.floating)) and np.isfinite(got), "Exercise 10.2: expected one "
              f"finite number per image, got {type(got).__name__}")
        common.hint(np.isclose(got, expected, rtol=1e-9, atol=1e-12), f"Exercise 10.2: on {name} your value is "
              "not the smallest relative distance ‖h·x − x‖ / ‖x‖ over the rotations h ≠ e (§6): leave out "
              "the identity, take the minimum, divide by ‖x‖.")
    common.passed("10.2", "a(x) is 0 exactly on symmetric images and the smallest move of x otherwise")


def check_11_1(matrices, multiplicities):
    """multiplicities (n,): of each irrep of Z_n in an operator given by its matrices (n, L, L)
    (exact or learned), as computed from its character."""
    M = np.asarray(matrices)
    m = common.array("11.1", "the multiplicities", multiplicities, ndim=1)
    common.hint(m.shape == (len(M),) and np.allclose(m, np.round(np.real(m))), "Exercise 11.1: expected one whole "
          f"number per irrep ({len(M)}), got {np.round(m, 3).tolist()}: round the real part of the formula.")
    common.hint(np.isclose(np.sum(m), M.shape[1]), "Exercise 11.1: the multiplicities must add up to the latent "
          "dimension: chi(e) = tr psi(e) = L.")
    common.hint(np.allclose(m, common.eigen_multiplicities(M[1], len(M))), "Exercise 11.1: your multiplicities disagree "
          "with the eigenvalues of psi(1): m_f = (1/|G|) sum_g conj(chi_f(g)) tr psi(g).")
    common.passed("11.1", "multiplicities from the character equal the eigenvalue counts of psi(1)")


def check_11_2(class_count):
    """class_count(table) -> int: the number of conjugacy classes of the group whose
    multiplication table (|G|, |G|) is given (table[g, h] = g∘h, 0 the identity)."""
    for G in (groups.cyclic(6), groups.generate((3,), [[1, 2, 0], [1, 0, 2]]), groups.dihedral(3),
              groups.translations_rotations(3)):
        commuting = np.sum(G.table == G.table.T)  # pairs (g, h) with gh = hg: |G| x #classes (Burnside)
        got = class_count(G.table)
        common.hint(isinstance(got, (int, np.integer)), f"Exercise 11.2: expected a whole number, got {type(got).__name__}")
        common.hint(got * G.order == commuting, f"Exercise 11.2: for {G.name} (order {G.order}) your {got} classes "
              "is not the number of conjugacy classes (§1): a class is {x g x⁻¹ : x in G}; build the inverse "
              "of every element from the table, and count distinct classes, not elements.")
    common.passed("11.2", "the class count equals (number of commuting pairs) / |G| on four groups")
