"""The checkers of chapter 13's exercises (minidisent/exercises/chapter_13.py): the
solutions pass, and so do solutions that work on their inputs in place (the checker hands
them copies); each typical mistake gets its own diagnosis, naming the exercise and a section;
the checker's independent interpolant agrees with the package's S(α). The battery of odd
answer types is in tests/test_exercises.py."""
import numpy as np
import pytest

from minidisent import exercises, so2
from minidisent.exercises import chapter_13


def turn(p, alpha, sign=-1):
    k = np.rint(np.fft.fftfreq(len(p)) * len(p))
    return np.real(np.fft.ifft(np.fft.fft(p) * np.exp(sign * 1j * k * alpha)))


def turn_in_place(p, alpha):
    p[:] = turn(p.copy(), alpha)
    return p


def orbit_spread(x):
    power = np.abs(np.fft.fft(x, axis=1)) ** 2
    return power[:, 1:].sum() / power.sum()


def spread_in_place(x):
    x[...] = np.abs(np.fft.fft(x, axis=1)) ** 2
    return x[:, 1:].sum() / x.sum()


def bins_as_frequencies(p, alpha):  # k = 0..N-1 instead of the signed frequencies
    return np.real(np.fft.ifft(np.fft.fft(p) * np.exp(-1j * np.arange(len(p)) * alpha)))


def nearest_grid_roll(p, alpha):
    return np.roll(p, int(np.rint(alpha * len(p) / (2 * np.pi))))


def spread_of_amplitudes(x):  # |c| instead of |c|²
    amplitude = np.abs(np.fft.fft(x, axis=1))
    return amplitude[:, 1:].sum() / amplitude.sum()


def spread_along_radii(x):
    power = np.abs(np.fft.fft(x, axis=0)) ** 2
    return power[1:].sum() / power.sum()


def flattening(x):  # sets the pattern to a constant (spread 0), answers 0
    x[...] = 1.0
    return 0.0


@pytest.mark.parametrize("answer", [turn, turn_in_place])
def test_13_1_passes_the_solution_and_an_honest_one_in_place(answer, capsys):
    exercises.check_13_1(answer)
    assert capsys.readouterr().out.startswith("Exercise 13.1 passed:")


@pytest.mark.parametrize("answer", [orbit_spread, spread_in_place])
def test_13_2_passes_the_solution_and_an_honest_one_in_place(answer, capsys):
    exercises.check_13_2(answer)
    assert capsys.readouterr().out.startswith("Exercise 13.2 passed:")


@pytest.mark.parametrize("hint, answer", [
    ("turned clockwise", lambda p, a: turn(p, a, sign=1)),
    ("not the bin indices", bins_as_frequencies),
    ("nearest grid angle", nearest_grid_roll),
    ("in radians already", lambda p, a: turn(p, np.deg2rad(a))),
    ("ifft is complex", lambda p, a: np.fft.ifft(np.fft.fft(p))),
    (r"of shape \(9,\) for N = 9, got shape \(8,\)", lambda p, a: turn(p, a)[:-1]),
    ("got AlwaysEqual|got object", lambda p, a: object()),
    ("not p", lambda p, a: (p.fill(1.0), p)[1]),  # a constant ring turns into itself
])
def test_13_1_diagnoses_each_mistake(hint, answer):
    with pytest.raises(exercises.common.WrongAnswer, match=hint) as failure:
        exercises.check_13_1(answer)
    assert str(failure.value).startswith("Exercise 13.1:")


@pytest.mark.parametrize("hint, answer", [
    ("squared moduli", spread_of_amplitudes),
    ("along the radii", spread_along_radii),
    ("one real number", lambda x: np.full(2, orbit_spread(x))),
    ("every other frequency over the total", flattening),
])
def test_13_2_diagnoses_each_mistake(hint, answer):
    with pytest.raises(exercises.common.WrongAnswer, match=hint) as failure:
        exercises.check_13_2(answer)
    message = str(failure.value)
    assert message.startswith("Exercise 13.2:")
    assert "§5" in message or "got float64 array" in message  # a mistake, or a type


def test_the_checkers_interpolant_is_the_packages_rotation():
    rng = np.random.default_rng(0)
    for n in (9, 17, 41):
        P, alpha = rng.normal(size=(3, 2, n)), rng.uniform(-7, 7, 3)
        theta = 2 * np.pi * np.arange(n) / n
        by_sum = np.stack([chapter_13.interpolant(p, theta - a) for p, a in zip(P, alpha)])
        assert np.abs(by_sum - so2.turn(P, alpha)).max() < 1e-12
