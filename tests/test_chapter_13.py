"""The checkers of chapter 13's exercises (minidisent/exercises/chapter_13.py): the
solutions pass, typical wrong answers get a hint that names the exercise and a section."""
import numpy as np
import pytest

from minidisent import exercises


def turn(p, alpha, sign=-1):
    k = np.rint(np.fft.fftfreq(len(p)) * len(p))
    return np.real(np.fft.ifft(np.fft.fft(p) * np.exp(sign * 1j * k * alpha)))


def turn_in_place(p, alpha):
    p[:] = turn(p.copy(), alpha)
    return p


def orbit_spread(x):
    power = np.abs(np.fft.fft(x, axis=1)) ** 2
    return power[:, 1:].sum() / power.sum()


def bins_as_frequencies(p, alpha):  # k = 0..N-1 instead of the signed frequencies
    return np.real(np.fft.ifft(np.fft.fft(p) * np.exp(-1j * np.arange(len(p)) * alpha)))


def spread_of_amplitudes(x):  # |c| instead of |c|²
    amplitude = np.abs(np.fft.fft(x, axis=1))
    return amplitude[:, 1:].sum() / amplitude.sum()


def test_13_1(capsys):
    exercises.check_13_1(turn)
    assert capsys.readouterr().out.startswith("Exercise 13.1 passed:")
    wrong = {"sign of the phase": lambda p, a: turn(p, a, sign=1),
             "bin indices": bins_as_frequencies,
             "modified its input": turn_in_place,
             "real float array": lambda p, a: np.fft.ifft(np.fft.fft(p)),
             "expected shape": lambda p, a: turn(p, a)[:-1],
             "1-D array": lambda p, a: object()}
    for hint, answer in wrong.items():
        with pytest.raises(AssertionError, match=hint) as failure:
            exercises.check_13_1(answer)
        assert str(failure.value).startswith("Exercise 13.1")


def test_13_2(capsys):
    exercises.check_13_2(orbit_spread)
    assert capsys.readouterr().out.startswith("Exercise 13.2 passed:")
    wrong = {"Parseval": spread_of_amplitudes,
             "one real number": lambda x: np.full(2, orbit_spread(x)),
             "modified its input": lambda x: (x.fill(0.0), 0.5)[1]}
    for hint, answer in wrong.items():
        with pytest.raises(AssertionError, match=hint) as failure:
            exercises.check_13_2(answer)
        assert str(failure.value).startswith("Exercise 13.2")
