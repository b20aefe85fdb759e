"""Losses (gradients, terms), fit (determinism, divergence), and the headline claims at
small size: the shift operator is exact, the disentangled one is not on symmetric signals."""
import numpy as np
import pytest
from autograd import value_and_grad
from autograd.test_util import check_grads

from minidisent import data, groups, models, operators, recipes, train


@pytest.fixture(scope="module")
def task():
    return data.signals_1d(8, count=128, seed=0)


@pytest.mark.parametrize("kind", ["linear", "mlp"])
@pytest.mark.parametrize("operator", ["shift", "disentangled", "identity"])
def test_loss_gradients(task, kind, operator):
    group, pairs, _ = task
    model, op = recipes.build(kind, operator, group, 16, hidden=(5,))
    params = model.init(np.random.default_rng(0))
    batch = tuple(a[:6] for a in pairs)
    objective = train.supervised_loss(model, op, reconstruction=0.5, consistency=0.3)
    check_grads(lambda p: objective(p, batch), modes=["rev"], order=1)(params)


def test_loss_terms_match_a_direct_computation(task):
    group, (x1, g, x2), _ = task
    model, op = recipes.build("linear", "shift", group, 8)
    p = model.init(np.random.default_rng(0))
    We, Wd = p["encoder"], p["decoder"]
    z1 = x1 @ We
    z2 = np.stack([np.roll(z, m) for z, m in zip(z1, g)])  # d = 1: a roll of the latent
    expected = (0.5 * np.sum((z1 @ Wd - x1) ** 2) + np.sum((z2 @ Wd - x2) ** 2)
                + 2.0 * np.sum((x2 @ We - z2) ** 2)) / len(x1)
    got = train.supervised_loss(model, op, reconstruction=0.5, consistency=2.0)(p, (x1, g, x2))
    assert np.isclose(got, expected, rtol=1e-12)


def test_fit_is_deterministic(task):
    group, pairs, _ = task
    runs = [recipes.run("mlp", "shift", group, pairs, pairs, seed=3, steps=30) for _ in range(2)]
    for k in runs[0].params:
        assert np.array_equal(runs[0].params[k], runs[1].params[k])
    assert np.array_equal(runs[0].history, runs[1].history)
    other = recipes.run("mlp", "shift", group, pairs, pairs, seed=4, steps=30)
    assert not np.array_equal(other.history, runs[0].history)


def test_fit_decreases_the_loss(task):
    group, pairs, _ = task
    r = recipes.run("linear", "shift", group, pairs, pairs, steps=200)
    assert r.history[-20:].mean() < 1e-2 * r.history[:5].mean()


def test_divergence_names_the_step(task):
    group, pairs, _ = task
    model, op = recipes.build("linear", "shift", group, 8)
    objective = train.supervised_loss(model, op)
    with pytest.raises(FloatingPointError, match=r"at step \d+ .*try a smaller"):
        train.fit(objective, model.init(np.random.default_rng(0)), pairs, steps=50, step_size=1e200)


def test_shift_exact_and_disentangled_floored():
    """Headline at small size (Z_8): the linear shift model predicts held-out x2 to 1e-6,
    the disentangled one cannot beat the energy of symmetric signals outside the DC mode."""
    group, train_pairs, test_pairs = data.signals_1d(8, count=256, seed=1)
    shift = recipes.run("linear", "shift", group, train_pairs, test_pairs)
    assert shift.errors["prediction"]["generic"] < 1e-6
    assert shift.errors["prediction"]["symmetric"] < 1e-6
    dis = recipes.run("linear", "disentangled", group, train_pairs, test_pairs)
    x1, g, x2 = test_pairs
    sym = group.stabilizer_sizes(x1) > 1
    spectrum = np.abs(np.fft.fft(x2[sym], axis=1)) ** 2
    outside_dc = 1 - spectrum[:, 0].sum() / spectrum.sum()
    assert dis.errors["prediction"]["symmetric"] >= outside_dc * (1 - 1e-3)
    assert outside_dc > 0.3


@pytest.mark.parametrize("call, error, words", [
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o), p, d, step_size=0), ValueError,
     "step_size"),
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o), p, d, steps=-1), ValueError,
     "steps"),
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o), p, d, batch_size=0), ValueError,
     "batch_size"),
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o), p, (d[0], d[1][:3], d[2])),
     ValueError, "lengths"),
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o), p, list(d)), TypeError, "tuple"),
    (lambda m, o, p, d: train.fit(train.supervised_loss(m, o),
                                  {**p, "encoder": p["encoder"] * np.nan}, d),
     ValueError, "NaN"),
    (lambda m, o, p, d: train.supervised_loss(m, operators.shift(groups.cyclic(8), 16)), ValueError,
     "latent_dim"),
    (lambda m, o, p, d: train.supervised_loss(m, o, consistency=-1), ValueError, "consistency"),
])
def test_bad_input(task, call, error, words):
    group, pairs, _ = task
    model, op = recipes.build("linear", "shift", group, 8)
    with pytest.raises(error) as info:
        call(model, op, model.init(np.random.default_rng(0)), pairs)
    assert words in str(info.value)


@pytest.mark.parametrize("step_size", [1e3, 1e6, 1e12])
def test_a_run_that_grows_without_becoming_nan_is_stopped(step_size):
    G = groups.cyclic(8)
    rng = np.random.default_rng(0)
    pairs = data.pairs(G, data.random_signals(8, 10, rng), rng)
    model, op = models.linear(8, 8), operators.shift(G, 8)
    with pytest.raises(FloatingPointError,
                       match=r"grew to .* at step \d+, over 100x its first value.*"
                                                 r"smaller learning rate.*rescale the data"):
        train.fit(train.supervised_loss(model, op), model.init(rng), pairs, steps=300,
                  step_size=step_size)


def test_fit_returns_float64_unless_given_float32():
    G = groups.cyclic(8)
    rng = np.random.default_rng(0)
    pairs = data.pairs(G, data.random_signals(8, 10, rng), rng)
    model, op = models.linear(8, 8), operators.shift(G, 8)
    half = {k: v.astype(np.float16) for k, v in model.init(rng).items()}
    params, _ = train.fit(train.supervised_loss(model, op), half, pairs, steps=3)
    assert all(v.dtype == np.float64 for v in params.values())


def test_batches_are_drawn_epoch_by_epoch_without_building_every_index():
    rows, rng = train.batches(10, 4), np.random.default_rng(0)
    drawn = np.concatenate([rows(step, rng) for step in range(5)])  # 20 rows = 2 epochs
    reference = np.random.default_rng(0)
    np.testing.assert_array_equal(drawn, np.concatenate([reference.permutation(10),
                                                         reference.permutation(10)]))


def test_fit_takes_the_gradient_of_the_objective_on_its_dict_bit_for_bit():
    """fit is value_and_grad of the objective followed by adam_step, step for step; it
    trains a copy: the arrays it was given are unchanged."""
    group, train_pairs, _ = data.signals_1d(8, 32, seed=1)
    model, op = models.mlp(group.shape, 8, (6,), 0.1), operators.shift(group, 8)
    objective = train.supervised_loss(model, op, consistency=1.0)
    start = model.init(np.random.default_rng(2))
    params, history = train.fit(objective, start, train_pairs, steps=4, batch_size=64,
                                step_size=1e-2)
    mine = {k: v.copy() for k, v in start.items()}
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in mine.items()}
    for i in range(4):
        value, grad = value_and_grad(objective)(mine, train_pairs)
        assert value == history[i]
        train.adam_step(mine, grad, moments, i, 1e-2)
    assert all(np.array_equal(params[k], mine[k]) for k in params)
    assert all(np.array_equal(start[k], model.init(np.random.default_rng(2))[k]) for k in start)


def test_decode_pair_is_two_decoder_calls():
    model = models.mlp(8, 4, (5,))
    params, rng = model.init(np.random.default_rng(0)), np.random.default_rng(1)
    z1, z2 = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    one, two = train.decode_pair(model, params, z1, z2)
    np.testing.assert_allclose(one, model.decode(params, z1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(two, model.decode(params, z2), rtol=1e-12, atol=1e-14)
