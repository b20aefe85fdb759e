"""Checkers of the exercises of chapter 12: learning from sequences."""
import numpy as np

from .. import groups, representations
from . import common


def _lstsq_transition(H):
    """Independent: M (a, a) minimising Σ_t ‖H[t+1] − M H[t]‖² by numpy.linalg.lstsq."""
    P = np.concatenate(list(H[:-1]), axis=1)  # (a, (T-1) m)
    Q = np.concatenate(list(H[1:]), axis=1)
    return np.linalg.lstsq(P.T, Q.T, rcond=None)[0].T


def check_12_1(solve_transition):
    """solve_transition(H) -> M (a, a): H (T, a, m) the codes of one sequence, M the
    least-squares map of its T - 1 transitions (no ridge)."""
    rng = np.random.default_rng(121)
    for T, a, m in [(4, 6, 3), (3, 4, 4), (6, 5, 1)]:
        H = rng.normal(size=(T, a, m))
        expected = _lstsq_transition(H)  # computed before the answer sees H
        given = H.copy()
        M = common.array("12.1", "M", solve_transition(given), ndim=2)
        common.hint(M.shape == (a, a), f"Exercise 12.1: for codes H of shape {H.shape} expected "
                    f"M of shape ({a}, {a}) (it acts on the {a} rows of each H_t), got {M.shape}")
        common.hint(np.array_equal(given, H), "Exercise 12.1: your function changed the codes it "
                    "was given; "
                    "work on a copy (np.array(H)).")
        common.hint(np.all(np.isfinite(M)), "Exercise 12.1: your M holds NaN or inf.")
        residual = sum(np.sum((H[t + 1] - M @ H[t]) ** 2) for t in range(T - 1))
        best = sum(np.sum((H[t + 1] - expected @ H[t]) ** 2) for t in range(T - 1))
        where = f"Exercise 12.1: for T={T}, a={a}, m={m} your M"
        common.hint(residual <= best + 1e-8 * (1 + best), f"{where} leaves a larger residual "
                    "Σ_t ‖H_(t+1) − M H_t‖² than the least-squares map: use every transition, and "
                    "the normal equations K C⁻¹ with C = Σ H_t H_tᵀ, K = Σ H_(t+1) H_tᵀ (§2).")
        common.hint(np.allclose(M, expected, atol=1e-8), f"{where} fits as well as the "
                    "least-squares map but is another one; without a ridge it is unique here.")
    common.passed("12.1", "M* equals numpy.linalg.lstsq on three shapes, the codes untouched")


def check_12_2(sequence_trace):
    """sequence_trace(n, p, g) -> tr M* of the per-sequence map of a period-p signal on Z_n
    shifted by g each frame, with an exactly equivariant code H(x) (n, n) whose columns
    reach every irrep the signal holds."""
    rng = np.random.default_rng(122)
    cases = [(8, 4, 4), (8, 4, 2), (8, 2, 6), (12, 3, 3), (12, 6, 1), (12, 4, 8), (9, 3, 0)]
    expected = {}
    for n, p, g in cases:  # independent: solve M* from exact equivariant codes of one sequence
        G = groups.cyclic(n)
        rho = representations.pixel_matrices(G)
        B = np.tensordot(rng.normal(size=(n, n)), rho, axes=1)  # n circulant columns
        x = np.tile(rng.normal(size=p), n // p)
        frames = [x]
        for _ in range(4):
            frames.append(np.roll(frames[-1], g))
        H = np.stack([np.stack([b @ f for b in B], axis=1) for f in frames])  # (5, n, n)
        expected[n, p, g] = np.trace(_lstsq_transition(H))
    for (n, p, g), value in expected.items():
        answer = sequence_trace(n, p, g)
        number = isinstance(answer, (int, float, np.integer, np.floating))
        common.hint(number and not isinstance(answer, bool),
                    f"Exercise 12.2: expected a number (the trace), got {type(answer).__name__}")
        common.hint(abs(answer - value) < 1e-6, f"Exercise 12.2: for n={n}, p={p}, g={g} your "
                    f"trace {answer:g} is not tr M*: M* is 0 off the span of the codes, which hold "
                    "only the irreps the "
                    "stabilizer fixes; add their characters at g (§6).")
    common.passed("12.2", "tr M* equals the trace of M* solved from exact codes, on 7 (n, p, g)")
