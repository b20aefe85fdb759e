"""Metrics against hand-built models whose errors are known exactly."""
import numpy as np
import pytest

from minidisent import data, groups, metrics, models, operators


def pixel_model(n):
    """A linear 'autoencoder' whose code is the image itself: with d = 1 the shift operator
    on Z_n then acts on the code exactly as the group acts on the image."""
    model = models.linear(n, n)
    return model, {"encoder": np.eye(n), "decoder": np.eye(n)}


def test_relative_error():
    assert metrics.relative_error(np.ones((2, 3)), np.full((2, 3), 2.0)) == 0.25
    with pytest.raises(ValueError, match="shape"):
        metrics.relative_error(np.ones((2, 3)), np.ones((3, 2)))


def test_exact_model_scores_zero_and_identity_scores_the_move():
    rng = np.random.default_rng(0)
    G = groups.cyclic(8)
    generic = data.random_signals(8, 20, rng)
    symmetric, _ = data.periodic_signals(8, 20, rng)
    pairs = data.pairs(G, np.concatenate([generic, symmetric]), rng)
    model, params = pixel_model(8)
    exact = metrics.by_symmetry(model, params, operators.shift(G, 8), pairs)
    assert all(v == 0 for part in exact.values() for v in part.values())
    x1, g, x2 = pairs
    frozen = metrics.by_symmetry(model, params, operators.identity(G, 8), pairs)
    sym = G.stabilizer_sizes(x1) > 1
    expected = np.sum((x1[sym] - x2[sym]) ** 2) / np.sum(x2[sym] ** 2)
    assert np.isclose(frozen["prediction"]["symmetric"], expected, rtol=1e-12)
    assert np.isclose(frozen["equivariance"]["all"], np.sum((x1 - x2) ** 2) / np.sum(x2 ** 2),
                      rtol=1e-12)


def test_by_stabilizer_counts():
    rng = np.random.default_rng(1)
    G = groups.cyclic(8)
    X, period = data.periodic_signals(8, 30, rng, periods=[2, 4])
    model, params = pixel_model(8)
    table = metrics.by_stabilizer(model, params, operators.shift(G, 8), data.pairs(G, X, rng))
    assert {s: c for s, (c, _) in table.items()} == {4: 15, 2: 15}
    assert all(e == 0 for _, e in table.values())


def test_bad_pairs():
    G = groups.cyclic(8)
    model, params = pixel_model(8)
    x = np.zeros((3, 8))
    with pytest.raises(ValueError, match="x2: expected 3 images"):
        metrics.prediction_error(model, params, operators.shift(G, 8), (x, np.zeros(3, int), x[:2]))


def test_errors_are_computed_in_float64_whatever_the_input():
    """float16 targets whose squares overflow float16, and huge or tiny finite values."""
    target = np.full(1000, 300, np.float16)  # Σ target² = 9e7 overflows float16 (max 65504)
    assert metrics.relative_error(np.zeros(1000, np.float16), target) == 1.0
    assert metrics.relative_error(np.full(3, 2e200), np.full(3, 1e200)) == 1.0
    assert metrics.relative_error(np.full(3, 2e-200), np.full(3, 1e-200)) == 1.0
    rng = np.random.default_rng(1)
    pred, target = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    assert metrics.relative_error(pred,
                                  target) == np.sum((pred - target) ** 2) / np.sum(target ** 2)
