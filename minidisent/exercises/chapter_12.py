"""Checkers of the exercises of chapter 12, learning from sequences: the per-sequence map M*
by least squares, and its trace on a symmetric sequence."""
import numpy as np

from .. import groups, representations
from . import common


def least_squares_transition(H):
    """Independent: M (a, a) minimising Σ_t ‖H[t+1] − M H[t]‖² by numpy.linalg.lstsq."""
    P = np.concatenate(list(H[:-1]), axis=1)  # (a, (T-1) m)
    Q = np.concatenate(list(H[1:]), axis=1)
    return np.linalg.lstsq(P.T, Q.T, rcond=None)[0].T


def _residual(H, M):
    return sum(np.sum((H[t + 1] - M @ H[t]) ** 2) for t in range(len(H) - 1))


def _transition_diagnosis(M, H, expected):
    """What kind of mistake gives M instead of the least-squares map, as a hint that keeps the
    method (never the map itself)."""
    backward = least_squares_transition(H[::-1])
    if np.allclose(M, backward, atol=1e-8):
        return ("your M maps each H_(t+1) back to H_t: it must map H_t forward to H_(t+1), "
                "the next frame's code")
    if np.allclose(M, expected.T, atol=1e-8):
        return "your M is the transpose of the map: it acts on the rows of H_t from the left"
    single = [least_squares_transition(H[t:t + 2]) for t in range(len(H) - 1)]
    if any(np.allclose(M, one, atol=1e-8) for one in single):
        return "your M fits one transition only: use every transition of the sequence"
    return ("your M leaves a larger residual Σ_t ‖H_(t+1) − M H_t‖² than the least-squares map: "
            "use every transition, and the normal equations K C⁻¹ with C = Σ H_t H_tᵀ, "
            "K = Σ H_(t+1) H_tᵀ")


def check_12_1(solve_transition):
    """solve_transition(H) -> M (a, a): H (T, a, m) the codes of one sequence, M the
    least-squares map of its T - 1 transitions (no ridge)."""
    rng = np.random.default_rng(121)
    cases = [rng.normal(size=shape) for shape in [(4, 6, 3), (3, 4, 4), (6, 5, 1)]]
    expected = [least_squares_transition(H) for H in cases]  # computed before the answer is called
    for H, best in zip(cases, expected):
        T, a, m = H.shape
        M = common.call("12.1", solve_transition, H)
        M = common.array("12.1", "M", M, ndim=2)
        common.hint(M.shape == (a, a), f"Exercise 12.1: for codes H of shape {H.shape} expected "
                    f"M of shape ({a}, {a}) (it acts on the {a} rows of each H_t), got "
                    f"shape {M.shape}")
        where = f"Exercise 12.1: for T={T}, a={a}, m={m}"
        least = _residual(H, best)
        if _residual(H, M) > least + 1e-8 * (1 + least):
            common.fail(f"{where}: {_transition_diagnosis(M, H, best)} (§2).")
        common.hint(np.allclose(M, best, atol=1e-8), f"{where} your M fits as well as the "
                    "least-squares map but is another one; without a ridge it is unique here "
                    "(§2).")
    common.passed("12.1", "M* equals numpy.linalg.lstsq on three shapes, the codes untouched")


def _trace_diagnosis(answers, regular, stabilizer):
    """What kind of mistake gives these traces, as a hint that keeps the method."""
    if all(common.close(answers[c], regular[c], 1e-6) for c in answers):
        return ("your traces are those of the whole regular representation (every irrep): the "
                "codes of a symmetric signal reach only the irreps its stabilizer fixes, and M* "
                "is 0 off their span")
    if all(common.close(answers[c], stabilizer[c], 1e-6) for c in answers):
        return ("where g fixes the signal, M* is the identity on the span of the codes: its "
                "trace is that span's dimension; count the irreps the codes reach, not the "
                "elements of the stabilizer")
    return ("M* is 0 off the span of the codes, which hold only the irreps the stabilizer "
            "fixes; add their characters at g")


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
        expected[n, p, g] = np.trace(least_squares_transition(H))
    regular = {(n, p, g): float(n * (g == 0)) for n, p, g in cases}  # two typical mistakes
    stabilizer = {(n, p, g): float(n // p * (g % p == 0)) for n, p, g in cases}
    answers = {}
    for (n, p, g), value in expected.items():
        answer = common.call("12.2", sequence_trace, n, p, g)
        answers[n, p, g] = common.number("12.2", "the trace", answer)
    wrong = [case for case, value in expected.items() if abs(answers[case] - value) >= 1e-6]
    if wrong:
        n, p, g = wrong[0]
        common.fail(f"Exercise 12.2: for n={n}, p={p}, g={g} your trace {answers[n, p, g]:g} "
                    f"is not tr M*: {_trace_diagnosis(answers, regular, stabilizer)} "
                    "(§6).")
    common.passed("12.2", "tr M* equals the trace of M* solved from exact codes, on 7 (n, p, g)")
