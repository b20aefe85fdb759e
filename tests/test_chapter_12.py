"""The checkers of chapter 12's exercises (minidisent/exercises/chapter_12.py): the
solutions pass, and so do solutions that work on their inputs in place (the checker hands
them copies); each typical mistake gets its own diagnosis, naming the exercise and a section;
the checker's least-squares map agrees with the package's M*. The battery of odd answer types
is in tests/test_exercises.py."""
import numpy as np
import pytest

from minidisent import exercises, sequences
from minidisent.exercises import chapter_12


def solve(H):
    P, Q = np.concatenate(list(H[:-1]), axis=1), np.concatenate(list(H[1:]), axis=1)
    return Q @ P.T @ np.linalg.inv(P @ P.T)


def scaled_in_place(H):  # honest: a common scale of the codes leaves M unchanged
    H *= 2
    return solve(H / 2)


def trace(n, p, g):
    return float(sum(np.cos(2 * np.pi * f * g / n) for f in range(n) if f * p % n == 0))


@pytest.mark.parametrize("answer", [solve, scaled_in_place])
def test_12_1_passes_the_solution_and_an_honest_one_in_place(answer, capsys):
    exercises.check_12_1(answer)
    assert capsys.readouterr().out.startswith("Exercise 12.1 passed:")


def test_12_2_passes_the_solution(capsys):
    exercises.check_12_2(trace)
    assert capsys.readouterr().out.startswith("Exercise 12.2 passed:")


def frames_made_equal(H):  # modifies the checker's codes so that the identity fits exactly
    H[...] = H[:1]
    return np.eye(H.shape[1])


@pytest.mark.parametrize("hint, answer", [
    ("maps each H_\\(t\\+1\\) back to H_t", lambda H: solve(H[::-1])),
    ("the transpose", lambda H: solve(H).T),
    ("one transition only", lambda H: H[1] @ np.linalg.pinv(H[0])),
    ("larger residual", frames_made_equal),
    (r"expected M of shape \(6, 6\)", lambda H: np.zeros((3, 3))),
])
def test_12_1_diagnoses_each_mistake(hint, answer):
    with pytest.raises(exercises.common.WrongAnswer, match=hint) as failure:
        exercises.check_12_1(answer)
    assert str(failure.value).startswith("Exercise 12.1:")


@pytest.mark.parametrize("hint, answer", [
    ("whole regular representation", lambda n, p, g: float(n * (g == 0))),
    ("not the elements of the stabilizer", lambda n, p, g: float(n // p * (g % p == 0))),
    ("add their characters at g", lambda n, p, g: float(p)),
    ("expected the trace as one real number", lambda n, p, g: [p]),
])
def test_12_2_diagnoses_each_mistake(hint, answer):
    with pytest.raises(exercises.common.WrongAnswer, match=hint) as failure:
        exercises.check_12_2(answer)
    assert str(failure.value).startswith("Exercise 12.2:")


def test_the_checkers_least_squares_is_the_packages_transition():
    """chapter_12's lstsq map against sequences' closed-form M* with a negligible ridge."""
    rng = np.random.default_rng(0)
    H = rng.normal(size=(2, 5, 4, 3))  # (B, T, a, m)
    by_lstsq = np.stack([chapter_12.least_squares_transition(h) for h in H])
    assert np.abs(by_lstsq - sequences.transition(H, ridge=1e-12)).max() < 1e-8
