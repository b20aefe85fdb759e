"""Checkers of chapter 4, representation theory: characters and multiplicities of the
pixels under quarter turns, the frequencies a periodic signal carries, the irreps in an
operator."""
import numpy as np

from .. import groups, operators
from . import common


def _rotation_matrices(n):
    """(4, n², n²) permutation matrices of the quarter turns of an n x n grid, from np.rot90."""
    index = np.arange(n * n).reshape(n, n)
    return np.stack([np.eye(n * n)[np.rot90(index, k).ravel()] for k in range(4)])


def check_4_1(rotation_multiplicities):
    """rotation_multiplicities(n) -> (pixel character (4,), multiplicities (4,)) of C_4 on n x n."""
    chi = common.cyclic_characters(4)
    for n in (3, 4, 5):
        rho = _rotation_matrices(n)
        traces = np.trace(rho, axis1=1, axis2=2)
        ranks = [np.linalg.matrix_rank(np.einsum("g,gij->ij", chi[f].conj(), rho) / 4)
                 for f in range(4)]
        answer = common.call("4.1", rotation_multiplicities, n)
        character, m = common.parts("4.1", "a pair (pixel character, multiplicities)", answer, 2)
        character = common.array("4.1", "the pixel character", character, shape=(4,))
        m = common.array("4.1", "the multiplicities", m, shape=(4,), whole=True)
        common.hint(np.allclose(character, traces), f"Exercise 4.1: for {n}x{n} your pixel "
                    "character is not the number of pixels each quarter turn k = 0..3 leaves "
                    "in place (§2: chi_rho(g) = tr rho(g)).")
        common.hint(np.sum(m) == n * n, f"Exercise 4.1: for {n}x{n} expected 4 "
                    f"multiplicities adding up to the dimension n², got {m.tolist()}: "
                    "m_f = (1/|G|) sum_g conj(chi_f(g)) chi_rho(g) (§2).")
        common.hint(np.array_equal(m, ranks), f"Exercise 4.1: for {n}x{n} your multiplicities "
                    "do not count the irreps in the pixels (they differ from the ranks of the "
                    "projectors P_f, §1-2): check the conjugate and the 1/|G|.")
    common.passed("4.1", "pixel characters and multiplicities of C_4 on 3x3, 4x4, 5x5 equal the "
                  "projector ranks")


def check_4_2(allowed_frequencies):
    """allowed_frequencies(n, p) -> sorted frequencies f a period-p signal of n pixels can carry."""
    rng = np.random.default_rng(42)
    for n, p in [(16, 8), (16, 4), (12, 3), (12, 6), (15, 5)]:
        signals = [common.periodic(n, p, rng) for _ in range(8)]
        power = np.sum(np.abs(np.fft.fft(signals, axis=1)) ** 2, axis=0)
        carried = set(np.flatnonzero(power > 1e-12 * power.sum()).tolist())
        f = common.call("4.2", allowed_frequencies, n, p)
        f = common.elements("4.2", "frequencies", f, n, group=f"0 .. n-1 (the irreps of Z_{n})")
        common.hint(set(f.tolist()) >= carried, f"Exercise 4.2: for n={n}, p={p} you left "
                    "out frequencies that a period-p signal does carry (§3).")
        common.hint(len(f) == len(carried), f"Exercise 4.2: for n={n}, p={p} you listed "
                    "frequencies where chi_f(p) != 1, which a period-p signal cannot carry (§3).")
    common.passed("4.2", "the frequencies with chi_f(p) = 1 are the ones carried by random "
                  "periodic signals")


def _operator_matrices(op):
    return np.stack([op.matrix(g) for g in range(op.group.order)])


def check_4_3(operator_multiplicities):
    """operator_multiplicities(matrices) -> (n,) multiplicities of the irreps of Z_n in an
    operator given as its matrices (n, L, L), from its character."""
    rng = np.random.default_rng(43)
    Z8 = groups.cyclic(8)
    Q, _ = np.linalg.qr(rng.normal(size=(24, 24)))
    shift, disentangled = (_operator_matrices(operators.shift(Z8, 8)),
                           _operator_matrices(operators.disentangled(Z8, 16)))
    blocks = np.stack([np.block([[a, np.zeros((8, 16))], [np.zeros((16, 8)), b]])
                       for a, b in zip(shift, disentangled)])
    cases = {"disentangled, L=5": _operator_matrices(operators.disentangled(Z8, 5)),
             "shift, L=16": _operator_matrices(operators.shift(Z8, 16)),
             "a rotated shift and disentangled": np.einsum("ij,gjk,lk->gil", Q, blocks, Q)}
    for name, M in cases.items():
        counted = common.eigen_multiplicities(M[1], 8)
        answer = common.call("4.3", operator_multiplicities, M)
        m = common.array("4.3", "the multiplicities", answer, shape=(8,), whole=True)
        common.hint(np.sum(m) == M.shape[1], f"Exercise 4.3: on {name} your multiplicities add "
                    f"up to {np.sum(m):g}, not the latent dimension: chi(e) = tr psi(e) = L "
                    "(§4).")
        common.hint(np.array_equal(m, counted), f"Exercise 4.3: on {name} your multiplicities "
                    "disagree with the eigenvalues e^(2πif/n) of psi(1): use m_f = (1/|G|) "
                    "sum_g conj(chi_f(g)) tr psi(g), with chi_f(g) = e^(2πifg/n) (§2, §4).")
    common.passed("4.3", "multiplicities from traces equal the eigenvalue counts of psi(1) on 3 "
                  "operators")
