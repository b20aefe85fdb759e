"""Helpers added for the chapters: models.mlp(gain=), recipes.table,
recipes.run(model_options=), plots.error_bars and plots.histories; recipes.run against the
chapters' visible training cells; the models that cannot be exact stop at FLOOR_STEPS."""
import matplotlib.pyplot as plt  # conftest.py selects the Agg backend
import numpy as np
import pytest

from minidisent import (closed_form, data, digits, fast, groups, metrics, models, operators, plots,
                        recipes, results, sampling, train)


def test_mlp_gain_scales_first_and_last_layers_only():
    model1 = models.mlp((16,), 8, hidden=(12, 10))
    model2 = models.mlp((16,), 8, hidden=(12, 10), gain=0.25)
    p1, p2 = model1.init(np.random.default_rng(3)), model2.init(np.random.default_rng(3))
    # independent statement of the rule: layer 0 times gain, layer 2 (the last) times 1/gain
    expected = {0: 0.25, 1: 1.0, 2: 4.0}
    for part in ("encoder", "decoder"):
        for i, factor in expected.items():
            np.testing.assert_allclose(p2[f"{part}_w{i}"], factor * p1[f"{part}_w{i}"], rtol=1e-14)
            assert np.array_equal(p2[f"{part}_b{i}"], p1[f"{part}_b{i}"])


def test_mlp_default_gain_keeps_fan_in_scale():
    p = models.mlp((64,), 8, hidden=(256,)).init(np.random.default_rng(0))
    # weights ~ N(0, 1/fan_in): the sample std is within a few percent of 1/sqrt(fan_in)
    assert abs(p["encoder_w0"].std() * np.sqrt(64) - 1) < 0.05
    assert abs(p["decoder_w1"].std() * np.sqrt(256) - 1) < 0.05


@pytest.mark.parametrize("gain, error",
                         [(0.0, ValueError), (-1.0, ValueError), (np.nan, ValueError),
                                         ("0.1", TypeError)])
def test_mlp_bad_gain(gain, error):
    with pytest.raises(error, match="gain"):
        models.mlp((16,), 8, gain=gain)


@pytest.mark.parametrize("kind, operator",
                         [("linear", "disentangled"), ("linear", "shift"), ("mlp", "identity")])
def test_run_is_the_three_lines_of_chapters_02_and_05_bit_for_bit(kind, operator):
    """Chapters 02 and 05 train a model with train.fit in a visible cell and put it in the
    table next to recipes.run's models: the two must be the same computation."""
    group, train_pairs, test_pairs = data.signals_1d(8, 64, seed=3)
    run = recipes.run(kind, operator, group, train_pairs, test_pairs, seed=0, steps=40)
    model = models.linear(group.shape, 8) if kind == "linear" else models.mlp(group.shape, 8, (64,),
                                                                              0.1)
    op = operators.make(operator, group, 8)
    # recipes.fit: train.fit for a linear model, train.fit in units of the scales for an MLP
    params, history = recipes.fit(kind, train.supervised_loss(model, op),
                                  model.init(np.random.default_rng(0)),
                                  train_pairs, seed=0, **dict(recipes.SETTINGS[kind], steps=40))
    assert set(params) == set(run.params)
    assert all(np.array_equal(params[k], run.params[k]) for k in params)
    assert np.array_equal(history, run.history)
    assert run.errors == metrics.by_symmetry(model, params, op, test_pairs)


def test_run_passes_model_options_and_table_lists_every_run():
    group, train_pairs, test_pairs = data.signals_1d(n=8, count=32)
    runs = [recipes.run("mlp", "shift", group, train_pairs, test_pairs, steps=1,
                            step_size=1e-12, decay=1.0, model_options=dict(hidden=(7,), gain=0.5)),
            recipes.run("linear", "identity", group, train_pairs, test_pairs, steps=5)]
    # one step of size 1e-12 leaves the init: it must be the hand-built gain-0.5 MLP's
    expected = models.mlp((8,), 8, hidden=(7,), gain=0.5).init(np.random.default_rng(0))
    for name, value in expected.items():
        np.testing.assert_allclose(runs[0].params[name], value, rtol=0, atol=1e-10)
    lines = recipes.table(runs).splitlines()
    assert len(lines) == 2 + len(runs)
    for line, r in zip(lines[2:], runs):
        name = "no operator" if r.operator == "identity" else r.operator
        assert line.startswith(f"{r.kind:<7} {name:<13} ")
        generic = float(line[22:].split()[0])
        assert generic == pytest.approx(r.errors["prediction"]["generic"], rel=0.06)


def _fake(kind, operator, generic, symmetric, steps=5):
    return recipes.Trained(kind, operator, None, None, None, np.geomspace(1, 1e-3, steps), 0.0,
                           {"prediction": {"generic": generic, "symmetric": symmetric}})


def test_error_bars_draws_one_bar_per_error_with_the_right_height():
    results = [_fake("linear", "shift", 1e-10, 3e-12), _fake("linear", "identity", 0.9, 0.6)]
    fig = plots.error_bars(results)
    ax = fig.axes[0]
    heights = sorted(p.get_y() + p.get_height() for p in ax.patches)
    np.testing.assert_allclose(heights, sorted([1e-10, 3e-12, 0.9, 0.6]), rtol=1e-12)
    assert ax.get_yscale() == "log" and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["linear + shift", "linear, no operator"]
    plt.close(fig)
    fig = plots.error_bars([_fake("mlp", "identity", 0.9, 0.6)])
    assert fig.axes[0].get_yscale() == "linear"
    plt.close(fig)


def test_histories_plots_each_loss_curve():
    results = [_fake("mlp", "shift", 1, 1, steps=7), _fake("mlp", "identity", 1, 1, steps=7)]
    fig = plots.histories(results)
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_xlabel() and ax.get_ylabel()
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), results[1].history)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 8))
    plt.close(fig)


def test_the_models_that_cannot_be_exact_stop_at_the_floor_steps():
    for kind in ("linear", "mlp"):
        assert recipes.FLOOR_STEPS[kind] < recipes.SETTINGS[kind]["steps"]
        for operator in ("identity", "disentangled"):
            fit = results.settings(kind, operator)
            assert fit == dict(results.TABLE_SETTINGS[kind], steps=recipes.FLOOR_STEPS[kind])
            assert results.settings(kind, operator,
                                    quick=True)["steps"] == recipes.FLOOR_STEPS[kind] // 10
        assert results.settings(kind, "shift") == results.TABLE_SETTINGS[kind]
    assert results.settings("linear", "shift", whiten=True) == recipes.WHITENED
    assert results.settings("vae", None) == results.TABLE_SETTINGS["vae"]


def test_digits_models_with_no_operator_stop_at_the_floor(monkeypatch):
    steps = {}
    monkeypatch.setattr(recipes, "run",
                        lambda kind, op, *a, **k: steps.setdefault((kind, op), k["steps"]))
    group = groups.cyclic(4)
    X = np.random.default_rng(0).normal(size=(6, 4))
    digits.train_models(group, X, X, 4, steps={"linear": 700, "mlp": 30})
    assert steps == {("linear", "shift"): 700, ("linear", "disentangled"): 700,
                     ("linear", "identity"): recipes.FLOOR_STEPS["linear"],
                     ("mlp", "shift"): 30, ("mlp", "disentangled"): 30, ("mlp", "identity"): 30}


def test_whitened_recipe_runs_again_until_the_loss_is_below_its_target():
    """fit_whitened(rounds=3): the rounds a hand-written loop over train.fit runs with the
    same rule (below target, or not ten times lower than the round before), bit for bit."""
    group, train_pairs, _ = data.signals_1d(16, 128, seed=2)
    model, op = recipes.build("linear", "shift", group, 16)
    objective = train.supervised_loss(model, op)
    init = model.init(np.random.default_rng(0))
    settings = dict(recipes.WHITENED, steps=40)
    for target in (1e-30, 1.0):
        params, history = recipes.fit_whitened(group, objective, dict(init), train_pairs,
                                               target=target, rounds=3, seed=0, **settings)
        W, _ = closed_form.whitening(group, np.concatenate([train_pairs[0], train_pairs[2]]))
        white = recipes.whitened(train_pairs, W)
        energy = np.mean(np.sum(white[2] ** 2, axis=1))
        p, previous, rounds = dict(init), np.inf, 0
        for r in range(3):
            p, _ = train.fit(objective, p, white, seed=r, **settings)
            rounds += 1
            loss = objective(p, white) / energy
            if loss <= target or loss > previous / 10:
                break
            previous = loss
        assert len(history) == 40 * rounds
        assert np.array_equal(params["encoder"], W @ p["encoder"])
    _, history = recipes.fit_whitened(group, objective, dict(init), train_pairs, seed=0, **settings)
    assert len(history) == 40  # one round unless asked


def test_fit_in_units_moves_every_array_by_the_step_times_its_scale():
    """Adam's first step moves every entry by step_size (m̂ / sqrt(v̂) = ±1); in units of the
    scale s of its array that is step_size * s: the small first layers (gain 0.1) move by
    1e-3 of their size, not by more than their size."""
    group, train_pairs, _ = data.signals_1d(8, 64, seed=1)
    model, op = recipes.build("mlp", "shift", group, 8)
    init = model.init(np.random.default_rng(0))
    scales = recipes.scales(init)
    assert np.isclose(scales["encoder_w0"], 0.1 / np.sqrt(8), rtol=0.25)  # gain / sqrt(fan_in)
    assert np.isclose(scales["encoder_w1"], 1 / (0.1 * np.sqrt(64)), rtol=0.25)
    assert scales["decoder_b0"] == scales["decoder_w0"]
    params, _ = recipes.fit_in_units(train.supervised_loss(model, op), init, train_pairs, steps=1,
                                     step_size=1e-3)
    for k in init:
        moved = np.abs(params[k] - init[k])
        assert np.all(moved <= 1e-3 * scales[k] * (1 + 1e-6)), k
        assert np.isclose(np.median(moved[moved > 0]), 1e-3 * scales[k], rtol=1e-3), k
        assert np.mean(moved > 0) > 0.9, k


def test_fit_in_units_uses_the_objectives_gradient_and_leaves_the_callers_arrays():
    """The fast objective's gradient (fast.py) and autograd's give the same run bit for bit,
    and the caller's params are not modified."""
    group, train_pairs, _ = data.signals_1d(8, 64, seed=2)
    model, op = recipes.build("mlp", "disentangled", group, 8)
    init = model.init(np.random.default_rng(1))
    before = {k: v.copy() for k, v in init.items()}
    fast_run = recipes.fit_in_units(fast.supervised_loss(model, op), init, train_pairs, steps=20)
    plain_run = recipes.fit_in_units(train.supervised_loss(model, op), init, train_pairs, steps=20)
    assert all(np.array_equal(fast_run[0][k], plain_run[0][k]) for k in init)
    assert np.array_equal(fast_run[1], plain_run[1])
    assert all(np.array_equal(init[k], before[k]) for k in init)


def test_scales_of_arrays_with_no_spread_are_one():
    params = {"encoder_w0": np.zeros((3, 2)), "encoder_b0": np.zeros(2), "w": np.full(4, 2.0)}
    assert recipes.scales(params) == {"encoder_w0": 1.0, "encoder_b0": 1.0, "w": 1.0}


def test_mlp_recipe_trains_where_steps_in_plain_units_diverge():
    """Polar C6 digits at latent 144 (4 radii x 36 angles): the MLP recipe of before, Adam's
    step 1e-2 in plain units, diverges within 30 steps; recipes.fit (step 0.1 of each array's
    scale) lowers the loss."""
    X = sampling.polar(digits.load()[0][:1000], 4, 36)
    group = sampling.polar_rotations(4, 36, 6)
    pairs = data.pairs(group, X, np.random.default_rng(1))
    model, op = recipes.build("mlp", "disentangled", group, 144)
    objective = fast.supervised_loss(model, op, consistency=1.0)
    with pytest.raises(FloatingPointError):
        train.fit(objective, model.init(np.random.default_rng(1)), pairs, steps=30,
                  step_size=1e-2, seed=1)
    settings = dict(recipes.SETTINGS["mlp"], steps=30, decay=1.0, seed=1)
    _, history = recipes.fit("mlp", objective, model.init(np.random.default_rng(1)), pairs,
                             **settings)
    assert history[-1] < 0.5 * history[0]


@pytest.mark.parametrize("params, error", [(None, TypeError), ({}, TypeError),
                                           ({"encoder_w0": "0.1"}, TypeError),
                                           ({"encoder_w0": np.array([np.nan, 1.0])}, ValueError)])
def test_fit_in_units_names_bad_params(params, error):
    group, train_pairs, _ = data.signals_1d(8, 16, seed=0)
    model, op = recipes.build("mlp", "shift", group, 8)
    with pytest.raises(error, match="params"):
        recipes.fit_in_units(train.supervised_loss(model, op), params, train_pairs, steps=1)


def test_recipes_fit_names_a_bad_kind():
    with pytest.raises(ValueError, match="kind"):
        recipes.fit("cnn", None, {}, ())
