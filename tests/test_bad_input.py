"""Every bad input gets a clear error: the right exception type, raised by minidisent itself
(not deep inside numpy), with a message that names the argument, what was expected and
what came. One row of CASES per bad input; add a case by adding a line:

    bad(callable, ExceptionType, "argument", "expected ...", "what came"),
"""
import os

import numpy as np
import pytest

import minidisent
from minidisent import (data, fourier, groups, metrics, models, operators, recipes, sampling,
                        saving, train, weak)

PACKAGE = os.path.dirname(minidisent.__file__)


def bad(call, error, argument, expected, came):
    return pytest.param(call, error, (argument, expected, came),
                        id=f"{argument}: {expected} / {came}")


# Small valid objects that the bad calls spoil one argument at a time.
rng = np.random.default_rng(0)
Z8 = groups.cyclic(8)
P4 = groups.translations_rotations(3)
X = data.random_signals(8, 10, rng)
PAIRS = data.pairs(Z8, X, rng)
LIN = models.linear(8, 8)
LIN16 = models.linear(8, 16)
MLP = models.mlp(8, 8, hidden=(4,))
P_LIN, P_LIN16, P_MLP = LIN.init(rng), LIN16.init(rng), MLP.init(rng)
SHIFT = operators.shift(Z8, 8)
SHIFT16 = operators.shift(groups.cyclic(16), 16)
LOSS = train.supervised_loss(LIN, SHIFT)


def fit(params=P_LIN, data=PAIRS, objective=LOSS, **kw):
    return train.fit(objective, params, data, **{"steps": 2, **kw})


def spoiled(array, index, value):
    array = array.copy()
    array.flat[index] = value
    return array


CASES = [
    # groups: constructors and generators
    bad(lambda: groups.cyclic(0), ValueError, "n", "> 0", "got 0"),
    bad(lambda: groups.cyclic(2.5), TypeError, "n", "positive integer", "2.5"),
    bad(lambda: groups.translations((4,)), TypeError, "shape", "(h, w)", "(4,)"),
    bad(lambda: groups.rotations(-3), ValueError, "n", "> 0", "-3"),
    bad(lambda: groups.rotations(1), ValueError, "n", "n >= 2", "got 1"),
    bad(lambda: groups.dihedral(1), ValueError, "n", "n >= 2", "got 1"),
    bad(lambda: groups.translations_rotations(2), ValueError, "n", "n >= 3", "got 2"),
    bad(lambda: groups.generate((4,), [[0, 0, 1, 2]]), ValueError, "generators[0]",
        "permutation of 0..3", "[0, 0, 1, 2]"),
    bad(lambda: groups.generate((4,), [[1, 2, 0]]), ValueError, "generators[0]",
        "permutation of 4 pixels", "3 entries"),
    bad(lambda: groups.generate((4,), [[1.0, 2.0, 3.0, 0.0]]), ValueError, "generators[0]",
        "int array", "float64"),
    bad(lambda: groups.generate((4,), np.array([1, 2, 3, 0])), TypeError, "generators",
        "list of permutations", "shape (4,)"),
    bad(lambda: groups.generate((4, -1), []), ValueError, "shape[1]", "> 0", "-1"),
    bad(lambda: groups.generate(4, []), TypeError, "shape", "tuple such as (n,)", "int 4"),
    bad(lambda: groups.Group("x", (3,), [[0, 1, 2], [1, 0, 2], [1, 2, 0]]), ValueError, "perms",
        "closed under composition", "not a row"),
    bad(lambda: groups.Group("x", (3,), [[0, 1, 2], [1, 2, 0], [1, 2, 0]]), ValueError, "perms",
        "distinct", "row 2 equal to row 1"),
    bad(lambda: groups.Group("x", (3,), [[1, 2, 0], [0, 1, 2], [2, 0, 1]]), ValueError, "perms",
        "row 0 to be the identity", "got [1, 2, 0]"),
    bad(lambda: groups.cyclic(10 ** 6), ValueError, "n", "order <= 4096", "order 1000000"),
    bad(lambda: groups.translations((2000, 2000)), ValueError, "shape",
        "|G| * n_pixels <= 16777216", "order 4000000"),
    bad(lambda: groups.Group("x", (8,), Z8.perms, factors=(2, 4)), ValueError, "factors",
        "Z_2 x Z_4", "1∘3 = 4"),
    bad(lambda: sampling.interpolated_rotation(np.zeros((1, 200, 200)), 30.0), ValueError, "X",
        "at most 64 x 64", "200 x 200"),
    # groups: acting on images
    bad(lambda: Z8.act(np.zeros((3, 4, 2)), np.zeros(3, int)), ValueError, "X", "(B, 8)",
        "(3, 4, 2)"),
    bad(lambda: Z8.act(np.zeros(16), 1), ValueError, "X", "(8,)", "(16,)"),
    bad(lambda: Z8.act(X, np.zeros(9, int)), ValueError, "g", "10 group elements", "got 9"),
    bad(lambda: Z8.act(X, np.full(10, 8)), ValueError, "g", "[0, 8)", "got 8"),
    bad(lambda: Z8.act(X, np.full(10, -1)), ValueError, "g", "[0, 8)", "got -1"),
    bad(lambda: Z8.act(X, np.full(10, 1.0)), TypeError, "g", "integer group elements", "float64"),
    bad(lambda: Z8.act(X, np.ones((10, 1), int)), ValueError, "g", "1-D array", "(10, 1)"),
    bad(lambda: Z8.act(X.astype(int), np.zeros(10, int)), TypeError, "X", "float array", "int64"),
    bad(lambda: Z8.act(spoiled(X, 3, np.nan), np.zeros(10, int)), ValueError, "X", "finite",
        "1 NaN/inf"),
    bad(lambda: Z8.act(np.zeros((0, 8)), np.zeros(0, int)), ValueError, "X", "at least one image",
        "(0, 8)"),
    bad(lambda: Z8.act("image", np.zeros(1, int)), TypeError, "X", "numpy array", "str"),
    bad(lambda: Z8.orbit(X), ValueError, "x", "(8,)", "(10, 8)"),
    bad(lambda: P4.coordinates([0]), ValueError, "group", "product of cyclic groups", "p4(3x3)"),
    # data
    bad(lambda: data.random_signals(8, 0, rng), ValueError, "count", "> 0", "got 0"),
    bad(lambda: data.random_signals(8, 5, 0), TypeError, "rng", "Generator", "int 0"),
    bad(lambda: data.random_signals(8, 5, rng, decay=0.0), ValueError, "decay", "> 0", "got 0.0"),
    bad(lambda: data.periodic_signals(8, 4, rng, periods=[3]), ValueError, "periods",
        "proper divisors", "[3]"),
    bad(lambda: data.periodic_signals(7, 4, rng), ValueError, "periods", "proper divisors p of n=7",
        "got []"),
    bad(lambda: data.periodic_signals(8, 4, rng, periods=[4.0]), TypeError, "periods",
        "integer periods", "float64"),
    bad(lambda: data.random_blobs(8, 3, rng), TypeError, "shape", "(h, w)", "int 8"),
    bad(lambda: data.random_blobs((4, 4), 3, rng, width=-1.0), ValueError, "width", "> 0", "-1.0"),
    bad(lambda: data.random_blobs((4, 4), 3, rng, bumps=0), ValueError, "bumps", "> 0", "got 0"),
    bad(lambda: data.pairs(Z8, np.zeros((5, 16)), rng), ValueError, "X", "(B, 8)", "(5, 16)"),
    bad(lambda: data.pairs(Z8, np.zeros((0, 8)), rng), ValueError, "X", "at least one image",
        "empty batch"),
    bad(lambda: data.pairs(Z8, X, rng, elements=[]), ValueError, "elements", "at least one", "[]"),
    bad(lambda: data.pairs(Z8, X, rng, elements=[1, 9]), ValueError, "elements", "[0, 8)", "got 9"),
    bad(lambda: data.pairs("Z_8", X, rng), TypeError, "group", "groups.Group", "'Z_8'"),
    # operators
    bad(lambda: operators.shift(Z8, 12), ValueError, "latent_dim", "multiple of |G| = 8", "got 12"),
    bad(lambda: operators.shift(None, 8), TypeError, "group", "groups.Group", "None"),
    bad(lambda: operators.disentangled(P4, 72), ValueError, "group", "product of cyclic groups",
        "not commutative"),
    bad(lambda: operators.disentangled(Z8, 1), ValueError, "latent_dim", "at least 2", "got 1"),
    bad(lambda: operators.identity(Z8, 0), ValueError, "latent_dim", "> 0", "got 0"),
    bad(lambda: SHIFT(np.zeros((4, 16)), np.zeros(4, int)), ValueError, "Z", "(B, 8)", "(4, 16)"),
    bad(lambda: SHIFT(np.zeros((4, 8)), np.zeros(3, int)), ValueError, "g", "4 group elements",
        "got 3"),
    # models
    bad(lambda: models.linear(8.0, 8), TypeError, "shape", "int n or a tuple", "float 8.0"),
    bad(lambda: models.linear((4, 0), 8), ValueError, "shape[1]", "> 0", "got 0"),
    bad(lambda: models.linear(8, 8, scale=-1.0), ValueError, "scale", "> 0", "-1.0"),
    bad(lambda: models.mlp(8, 8, hidden=16), TypeError, "hidden", "tuple of layer widths",
        "int 16"),
    bad(lambda: models.mlp(8, 8, hidden=(0,)), ValueError, "hidden[0]", "> 0", "got 0"),
    bad(lambda: LIN.init(0), TypeError, "rng", "Generator", "int 0"),
    bad(lambda: train.predict(LIN, P_LIN, SHIFT, X.reshape(10, 2, 4), PAIRS[1]), ValueError, "x1",
        "(B, 8)", "(10, 2, 4)"),
    bad(lambda: train.predict(LIN, P_LIN, SHIFT, X[:, :4], PAIRS[1]), ValueError, "x1", "(B, 8)",
        "(10, 4)"),
    bad(lambda: SHIFT(np.zeros((3, 4)), np.zeros(3, int)), ValueError, "Z", "(B, 8)", "(3, 4)"),
    bad(lambda: train.predict(LIN, P_MLP, SHIFT, X, PAIRS[1]), ValueError, "params",
        "keys ['decoder', 'encoder']", "missing ['decoder', 'encoder']"),
    bad(lambda: train.predict(MLP, P_LIN, operators.shift(Z8, 8), X, PAIRS[1]), ValueError,
        "params", "encoder_w0", "got ['decoder', 'encoder']"),
    bad(lambda: train.predict(LIN, P_LIN16, SHIFT, X, PAIRS[1]), ValueError, "params['encoder']",
        "(8, 8)", "(8, 16)"),
    bad(lambda: models.check_params(LIN, {**P_LIN, "bias": np.zeros(8)}), ValueError, "params",
        "keys", "extra ['bias']"),
    bad(lambda: models.check_params(LIN,
                                    {**P_LIN, "encoder": spoiled(P_LIN["encoder"], 0, np.inf)}),
        ValueError, "params['encoder']", "finite", "1 NaN/inf"),
    bad(lambda: models.check_params(LIN, {**P_LIN, "decoder": np.zeros((8, 8), int)}), TypeError,
        "params['decoder']", "float array", "int64"),
    bad(lambda: models.check_params(LIN, [P_LIN]), TypeError, "params", "dict of arrays", "list"),
    bad(lambda: models.check_params("linear", P_LIN), TypeError, "model", "models.Model", "str"),
    # train
    bad(lambda: train.supervised_loss(LIN, SHIFT16), ValueError, "op",
        "latent_dim 8 for images of shape (8,)", "latent_dim 16 and shape (16,)"),
    bad(lambda: train.supervised_loss(LIN, SHIFT, reconstruction=-1.0), ValueError,
        "reconstruction", ">= 0", "-1.0"),
    bad(lambda: train.supervised_loss(LIN, SHIFT, consistency=np.nan), ValueError, "consistency",
        ">= 0", "nan"),
    bad(lambda: train.predict(LIN, P_LIN, "shift", X, PAIRS[1]), TypeError, "op", "operators.shift",
        "str"),
    bad(lambda: fit(step_size=0.0), ValueError, "step_size", "> 0", "got 0.0"),
    bad(lambda: fit(step_size=-1e-3), ValueError, "step_size", "> 0", "-0.001"),
    bad(lambda: fit(step_size=np.inf), ValueError, "step_size", "finite", "inf"),
    bad(lambda: fit(steps=0), ValueError, "steps", "> 0", "got 0"),
    bad(lambda: fit(steps=10.5), TypeError, "steps", "positive integer", "10.5"),
    bad(lambda: fit(batch_size=0), ValueError, "batch_size", "> 0", "got 0"),
    bad(lambda: fit(batch_size=-5), ValueError, "batch_size", "> 0", "-5"),
    bad(lambda: fit(decay=1.5), ValueError, "decay", "(0, 1]", "1.5"),
    bad(lambda: fit(decay=0.0), ValueError, "decay", "> 0", "0.0"),
    bad(lambda: fit(data=(X, PAIRS[1][:9], PAIRS[2])), ValueError, "data", "one common",
        "[10, 9, 10]"),
    bad(lambda: fit(data=(X[:0], PAIRS[1][:0], PAIRS[2][:0])), ValueError, "data",
        "non-zero first length", "[0, 0, 0]"),
    bad(lambda: fit(data=(spoiled(X, 0, np.nan),) + PAIRS[1:]), ValueError, "data[0]", "finite",
        "1 NaN/inf"),
    bad(lambda: fit(data=PAIRS[:2] + (spoiled(X, 5, -np.inf),)), ValueError, "data[2]", "finite",
        "1 NaN/inf"),
    bad(lambda: fit(data=list(PAIRS)), TypeError, "data", "tuple of arrays", "list"),
    bad(lambda: fit(data=(X, 3, X)), TypeError, "data[1]", "one row per example", "int 3"),
    bad(lambda: fit(data=(X.astype(int),) + PAIRS[1:]), TypeError, "X", "float array", "int64"),
    bad(lambda: fit(params={**P_LIN, "encoder": spoiled(P_LIN["encoder"], 2, np.nan)}), ValueError,
        "params['encoder']", "finite", "1 NaN/inf"),
    bad(lambda: fit(params=[P_LIN]), TypeError, "params", "dict of float arrays", "list"),
    bad(lambda: fit(params=P_LIN16), ValueError, "params['encoder']", "(8, 8)", "(8, 16)"),
    bad(lambda: fit(params=P_MLP), ValueError, "params", "keys ['decoder', 'encoder']", "missing"),
    bad(lambda: fit(seed=None), TypeError, "seed", "integer >= 0", "None"),
    bad(lambda: fit(seed=-1), ValueError, "seed", "integer >= 0", "-1"),
    bad(lambda: fit(data=PAIRS[:2]), TypeError, "data", "(x1, g, x2)", "length 2"),
    # metrics
    bad(lambda: metrics.prediction_error(LIN, P_LIN16, SHIFT, PAIRS), ValueError,
        "params['encoder']", "(8, 8)", "(8, 16)"),
    bad(lambda: metrics.prediction_error(LIN, P_MLP, SHIFT, PAIRS), ValueError, "params", "keys",
        "extra"),
    bad(lambda: metrics.prediction_error(LIN, P_LIN, SHIFT16, PAIRS), ValueError, "op",
        "latent_dim 8", "latent_dim 16"),
    bad(lambda: metrics.equivariance_error(LIN, P_LIN, SHIFT, (X, PAIRS[1], X[:9])), ValueError,
        "x2", "10 images", "got 9"),
    bad(lambda: metrics.prediction_error(LIN, P_LIN, SHIFT, (X, PAIRS[1][:9], X)), ValueError, "g",
        "10 group elements", "got 9"),
    bad(lambda: metrics.prediction_error(LIN, P_LIN, SHIFT, PAIRS[:2]), TypeError, "pairs",
        "(x1, g, x2)", "length 2"),
    bad(lambda: metrics.by_symmetry(LIN, {**P_LIN, "decoder": P_LIN["decoder"] * np.nan}, SHIFT,
                                    PAIRS), ValueError, "params['decoder']", "finite",
        "64 NaN/inf"),
    bad(lambda: metrics.relative_error(np.zeros(3), np.zeros(4)), ValueError, "pred", "(4,)",
        "(3,)"),
    bad(lambda: metrics.relative_error(np.ones(3), np.zeros(3)), ValueError, "target", "non-zero",
        "all zeros"),
    bad(lambda: metrics.relative_error(np.array([1.0, np.nan]), np.ones(2)), ValueError, "pred",
        "finite", "1 NaN/inf"),
    # saving (the files themselves: tests/test_saving.py)
    bad(lambda: saving.describe(LIN, SHIFT16), ValueError, "op", "latent_dim 8", "latent_dim 16"),
    bad(lambda: saving.save("unused.npz", P_LIN16, saving.describe(LIN, SHIFT)), ValueError,
        "params", "do not fit the linear model", "(8, 16)"),
    bad(lambda: saving.save("unused.npz", P_LIN, {"model": "linear"}), ValueError, "meta",
        "keys ['model', 'shape'", "got ['model']"),
    bad(lambda: saving.save("unused.npz", P_LIN, {**saving.describe(LIN, SHIFT), "model": "cnn"}),
        ValueError, "meta['model']", "one of ['linear', 'mlp']", "'cnn'"),
    bad(lambda: saving.save("", P_LIN, saving.describe(LIN, SHIFT)), ValueError, "path",
        "a file name", "''"),
    bad(lambda: saving.save("unused.npz", P_LIN,
                            {**saving.describe(LIN, SHIFT), "latent_dim": [8]}), ValueError,
        "meta['latent_dim']", "integer in [1, 16777216]", "[8]"),
    # experiments
    bad(lambda: recipes.build("cnn", "shift", Z8, 8), ValueError, "kind",
        "one of ['linear', 'mlp']", "'cnn'"),
    bad(lambda: recipes.build("linear", "rotation", Z8, 8), ValueError, "operator", "one of",
        "'rotation'"),
    bad(lambda: recipes.build("linear", "shift", Z8, 12), ValueError, "latent_dim",
        "multiple of |G| = 8", "got 12"),
    bad(lambda: data.signals_1d(16, 1), ValueError, "count", "at least 2", "got 1"),
    bad(lambda: data.signals_1d(16, 8, seed=1.5), TypeError, "seed", "integer >= 0", "1.5"),
    bad(lambda: recipes.run("linear", "shift", Z8, PAIRS, PAIRS, seed=None), TypeError, "seed",
        "integer >= 0", "None"),
    bad(lambda: recipes.run("linear", "shift", Z8, PAIRS, PAIRS, lr=0.1), TypeError, "overrides",
        "step_size", "['lr']"),
    bad(lambda: recipes.run("linear", "disentangled", P4, PAIRS, PAIRS), ValueError, "group",
        "product of cyclic groups", "p4(3x3)"),
    bad(lambda: recipes.run("linear", "shift", Z8, PAIRS, PAIRS, step_size=0.0), ValueError,
        "step_size", "> 0", "0.0"),
    # inputs that once passed silently or failed deep inside numpy (issue: reliability)
    bad(lambda: metrics.prediction_error(P_LIN, LIN, SHIFT, PAIRS), TypeError, "model",
        "models.Model", "dict"),
    bad(lambda: fit(data=(X, PAIRS[1], X[:, :1])), ValueError, "data x2", "(B, 8)", "(10, 1)"),
    bad(lambda: fit(objective=None), TypeError, "objective",
        "function objective(params, batch, rng)", "None"),
    bad(lambda: data.orbit_pairs(None, X), TypeError, "group", "groups.Group", "None"),
    bad(lambda: operators.stacked_shift(None, 8), TypeError, "group", "groups.Group", "None"),
    bad(lambda: fourier.fourier(None, 8), TypeError, "group", "groups.Group", "None"),
    bad(lambda: train.supervised_loss(None, SHIFT), TypeError, "model", "models.Model", "None"),
    bad(lambda: saving.describe(None, SHIFT), TypeError, "model", "models.Model", "None"),
    bad(lambda: data.signals_1d(16, 1.5), TypeError, "count", "positive integer", "1.5"),
    bad(lambda: weak.run_weak("linear", P4, data.pairs(P4, np.ones((4, 3, 3)), rng),
                              data.pairs(P4, np.ones((4, 3, 3)), rng)),
        ValueError, "group", "product of cyclic groups", "p4(3x3) is not commutative"),
    bad(lambda: SHIFT(np.zeros((0, 8)), np.zeros(0, int)), ValueError, "Z", "at least one",
        "(0, 8)"),
    bad(lambda: operators.disentangled(Z8, 8)(np.zeros((0, 8)), np.zeros(0, int)), ValueError, "Z",
        "at least one", "(0, 8)"),
    bad(lambda: metrics.relative_error(np.full(3, 1e300), np.full(3, 1e-300)), ValueError, "pred",
        "1e300 times the target", "1e+300"),
]


@pytest.mark.parametrize("call, error, words", CASES)
def test_bad_input_gives_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:  # the argument, what was expected, what came
        assert word in message, f"{word!r} not in {message!r}"
    # raised by minidisent's own check, not deep inside numpy or autograd
    assert info.traceback[-1].path.as_posix().startswith(PACKAGE), info.traceback[-1].path


def test_the_battery_is_large_and_covers_every_module():
    assert len(CASES) >= 30
    ids = " ".join(case.id for case in CASES)
    for argument in ("X", "g", "latent_dim", "generators[0]", "params", "step_size", "steps",
                     "batch_size", "data", "op", "group", "rng"):
        assert f"{argument}:" in ids


@pytest.mark.parametrize("model, params, step_size", [(LIN, P_LIN, 1e200), (LIN, P_LIN, 1e308),
                                                     (MLP, P_MLP, 1e300)])
def test_divergence_names_the_step_and_suggests_a_smaller_learning_rate(model, params, step_size):
    with pytest.raises(FloatingPointError) as info:  # 1e308: Adam's own update overflows first
        fit(steps=20, step_size=step_size, params=params,
            objective=train.supervised_loss(model, SHIFT))
    message = str(info.value)
    assert "at step " in message and "smaller learning rate" in message
    assert f"{step_size}" in message
    step = int(message.split("at step ")[1].split()[0])
    assert 0 <= step < 20
    # the same run with a sane step size stays finite: the error is about the step size
    params, history = fit(steps=20, step_size=1e-2)
    assert np.all(np.isfinite(history))


def test_divergence_in_the_last_update_is_caught_too():
    """Adam's last update can overflow after the last loss was computed: fit checks the
    parameters it returns."""
    with pytest.raises(FloatingPointError,
                       match=r"parameters became NaN/inf at the last step 0 .*smaller learning "
                             r"rate"):
        fit(steps=1, step_size=1e308)


def test_checks_do_not_reject_good_input():
    """The new checks let every valid call through (extra keys are fine for encode/decode,
    where a loss may keep its own parameters next to the model's)."""
    assert models.check_params(LIN, P_LIN) is P_LIN
    assert models.check_params(MLP, P_MLP) is P_MLP
    Z = LIN.encode({**P_LIN, "temperature": np.ones(1)}, X)
    np.testing.assert_array_equal(Z, X @ P_LIN["encoder"])
    single = Z8.act(X[0], 3)
    np.testing.assert_array_equal(single, np.roll(X[0], 3))
    assert metrics.prediction_error(LIN, P_LIN, SHIFT, PAIRS) > 0
