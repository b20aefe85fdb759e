"""Toy data: the symmetry each generator promises, its Fourier content, exact pairs."""
import numpy as np
import pytest

from minidisent import data, groups


def test_random_signals_are_generic():
    X = data.random_signals(16, 200, np.random.default_rng(0))
    assert X.shape == (200, 16)
    assert np.all(groups.cyclic(16).stabilizer_sizes(X) == 1)


def test_periodic_signals_have_exact_period_and_fourier_support():
    n = 24
    X, period = data.periodic_signals(n, 120, np.random.default_rng(1))
    assert set(period) == {2, 3, 4, 6, 8, 12}
    assert np.array_equal(groups.cyclic(n).stabilizer_sizes(X), n // period)  # exact, not smaller
    spectrum = np.abs(np.fft.rfft(X, axis=1))
    for x_hat, p in zip(spectrum, period):
        off = np.arange(x_hat.size) % (n // p) != 0  # modes that are not multiples of n/p
        assert np.all(x_hat[off] < 1e-12)


def test_pairs_are_exact():
    rng = np.random.default_rng(2)
    G = groups.translations((4, 5))
    X = data.random_blobs((4, 5), 30, rng)
    x1, g, x2 = data.pairs(G, X, rng)
    assert np.array_equal(x1, X)
    for a, b, m in zip(x1, x2, g):
        assert np.array_equal(b, np.roll(a, tuple(G.coordinates(np.array([m]))[0]), axis=(0, 1)))
    _, g, _ = data.pairs(G, X, rng, elements=np.array([0, 7]))
    assert set(g) <= {0, 7}


def test_seeded():
    a = data.periodic_signals(16, 10, np.random.default_rng(5))[0]
    b = data.periodic_signals(16, 10, np.random.default_rng(5))[0]
    assert np.array_equal(a, b)


@pytest.mark.parametrize("call, error, words", [
    (lambda: data.random_signals(16, 0, np.random.default_rng()), ValueError, "count"),
    (lambda: data.random_signals(16, 3, 0), TypeError, "rng"),
    (lambda: data.periodic_signals(16, 3, np.random.default_rng(), periods=[3]), ValueError,
     "periods"),
    (lambda: data.pairs(groups.cyclic(4), np.zeros((3, 5)), np.random.default_rng()), ValueError,
     "X"),
])
def test_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
