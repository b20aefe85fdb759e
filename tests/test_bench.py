"""The benchmark's functions at tiny sizes (structure, not timings), and every fast path
against the plain computation it replaces (numbers, bit for bit where the claim is so)."""
import autograd.numpy as anp
import nbformat
import numpy as np
import pytest
from autograd import value_and_grad
from autograd.misc.optimizers import adam
from autograd.test_util import check_grads

from minidisent import data, fast, groups, models, operators, recipes, train, bench

KEYS = {"what", "sizes", "a", "b", "ratio", "target", "met", "note"}


def test_x_shifts_is_the_cyclic_group_of_order_5_rolling_the_central_columns():
    G = bench.x_shifts()
    assert (G.order, G.shape) == (5, (28, 28))
    x = np.random.default_rng(0).normal(size=(28, 28))
    for m in range(5):
        expected = x.copy()
        expected[:, 1:26] = np.roll(x[:, 1:26], 5 * m, axis=1)
        assert np.array_equal(G.act(x, m), expected)
        assert G.table[1, m] == (m + 1) % 5  # element m is the generator applied m times
    for latent_dim in (200, 1000):
        assert operators.shift(G, latent_dim).latent_dim == latent_dim  # divisible by |G| = 5


@pytest.mark.parametrize("group", [groups.cyclic(6), groups.translations((3, 2)),
                                   groups.translations_rotations(3)], ids=str)
def test_vectorized_shift_equals_the_per_sample_loop_and_the_block_formula(group):
    d, rng = 3, np.random.default_rng(1)
    op = operators.shift(group, group.order * d)
    Z, g = rng.normal(size=(20, op.latent_dim)), rng.integers(0, group.order, 20)
    blocks = group.table[group.inverse]  # (psi(g) z)[h] = z[g⁻¹∘h]
    expected = np.stack([Z[b].reshape(group.order, d)[blocks[g[b]]].ravel() for b in range(20)])
    assert np.array_equal(op(Z, g), expected)
    assert np.array_equal(bench.per_sample(op, Z, g), expected)
    check_grads(lambda Z: op(Z, g), modes=["rev"])(Z)


def _fit_with_autograd_adam(objective, params, data, steps, batch_size, step_size, decay, seed):
    """train.fit as first written: autograd.misc.optimizers.adam, one run per stage."""
    rng = np.random.default_rng(seed)
    rows = bench.batch_rows(len(data[0]), batch_size, steps, seed)
    history, loss_and_grad = np.empty(steps), value_and_grad(objective)
    ends = np.linspace(0, steps, 11).astype(int) if decay != 1 else np.array([0, steps])
    stages = len(ends) - 1
    for stage in range(stages):
        def gradient(p, i, start=ends[stage]):
            history[start + i], grad = loss_and_grad(p, tuple(a[rows[start + i]] for a in data),
                                                     rng)
            return grad
        rate = step_size * decay ** (stage / max(1, stages - 1))
        params = adam(gradient, params, num_iters=ends[stage + 1] - ends[stage], step_size=rate)
    return params, history


@pytest.mark.parametrize("kind,decay", [("linear", 1.0), ("linear", 0.1), ("mlp", 0.1)])
def test_fit_equals_autograd_adam_bit_for_bit(kind, decay):
    group, pairs, _ = data.signals_1d(8, count=64)
    model, op = recipes.build(kind, "shift", group, 8)
    objective, params = train.supervised_loss(model, op), model.init(np.random.default_rng(5))
    settings = dict(steps=25, batch_size=16, step_size=1e-2, decay=decay, seed=6)
    fast, fast_history = train.fit(objective, params, pairs, **settings)
    plain, plain_history = _fit_with_autograd_adam(objective, params, pairs, **settings)
    assert np.array_equal(fast_history, plain_history)
    for k in params:
        assert np.array_equal(fast[k], plain[k])
    assert not np.array_equal(fast["encoder_w0" if kind == "mlp" else "encoder"],
                              params["encoder_w0" if kind == "mlp" else "encoder"])  # it trained


def test_fit_keeps_float32_and_agrees_with_float64():
    model, op, objective, params, pairs = bench.step_task("linear", 10, count=16)
    fast, _ = train.fit(objective, params, pairs, steps=3, batch_size=4, step_size=1e-3)
    plain = bench.adam_autograd(objective, params, pairs, steps=3, batch_size=4)
    single, history = train.fit(objective, {k: v.astype(np.float32) for k, v in params.items()},
                                (pairs[0].astype(np.float32), pairs[1],
                                 pairs[2].astype(np.float32)),
                                steps=3, batch_size=4, step_size=1e-3)
    assert all(np.array_equal(fast[k], plain[k]) for k in params)  # same batches as the bench's
    assert all(v.dtype == np.float32 for v in single.values()) and np.all(np.isfinite(history))
    gap = np.abs(single["encoder"] - fast["encoder"])  # Adam moves a weight <= ~1e-3 a step
    assert gap.max() <= 2 * 3 * 1e-3 and np.median(gap) < 1e-6


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_the_floor_multiplies_the_shapes_of_the_models_weights(kind):
    n, latent_dim, batch, hidden = 784, 10, 4, (6,)
    model = models.linear((28, 28), latent_dim) if kind == "linear" else \
        models.mlp((28, 28), latent_dim, hidden)
    params = model.init(np.random.default_rng(7))
    weights = [params[k].shape for k in sorted(params) if k == "encoder" or "encoder_w" in k] + \
        [params[k].shape for k in sorted(params) if k == "decoder" or "decoder_w" in k]
    layers = bench.dense_layers(kind, n, latent_dim, batch, hidden)
    assert [(i, o) for _, i, o, _ in layers] == weights
    assert [r for r,
            *_ in layers] == [batch] * (len(layers) // 2) + [2 * batch] * (len(layers) // 2)
    assert [back for *_, back in layers] == [False] + [True] * (len(layers) - 1)
    bench.matmul_floor(layers)()  # runs


def test_operator_and_step_rows_have_the_table_structure():
    rows = bench.operator_rows(batch=8, d=2, repeats=1)
    assert len(rows) == 3 and all(set(r) == KEYS for r in rows)
    assert all(r["target"] == (">=", 20) and r["ratio"] > 0 and isinstance(r["met"],
                                                                           bool) for r in rows)
    for kind in ("linear", "mlp"):
        steps = bench.step_rows(kind, 10, batch=4, steps=2, repeats=1, count=16, with_torch=False)
        words = ["step", "step:", "step:", "step:", "step"]
        assert [r["what"].split(" ")[1] for r in steps] == words
        assert steps[1]["a"][0] == "reference" and steps[1]["b"][0] == "lean"
        assert steps[0]["b"][0] == "BLAS" and steps[0]["note"].endswith("pairs/s")
        assert steps[-1]["b"] is None and "skipped" in steps[-1]["note"]
    text = bench.table(rows + steps)
    assert all(r["what"] in text for r in rows + steps)
    assert len(text.splitlines()) == 2 + len(rows + steps)


def test_torch_step_computes_our_loss_or_the_column_is_skipped():
    """With PyTorch installed: its default and fused Adam steps start at our loss, train, and
    the table has both columns; without it, the column says so."""
    rows = bench.step_rows("linear", 10, batch=4, steps=1, repeats=1, count=16)
    try:
        import torch
    except ImportError:
        assert "not installed" in rows[-1]["note"] and rows[-1]["b"] is None
        return
    assert [r["b"][0] for r in rows[-2:]] == ["PyTorch", "fused"]
    assert all(r["target"] == ("<=", 1.0) and r["ratio"] > 0 for r in rows[-2:])
    model, op, objective, params, pairs = bench.step_task("mlp", 10, count=16, hidden=(6,))
    rows = bench.batch_rows(16, 4, 2)
    ours = objective(params, tuple(a[rows[0]] for a in pairs))
    ours_fit, _ = train.fit(objective, params, pairs, steps=2, batch_size=4, step_size=1e-3)
    for fused in (False, True):
        run, first = bench.torch_steps(op, params, pairs, steps=2, batch_size=4, fused=fused)
        assert np.isclose(first, ours, rtol=1e-12)
        theirs = run()  # two Adam steps on the same batches as fit's: the same weights
        for k in params:
            assert not np.array_equal(theirs[k], params[k])
            np.testing.assert_allclose(theirs[k], ours_fit[k], rtol=0, atol=1e-12)


def test_row_checks_the_target_on_the_ratio_or_on_the_seconds():
    assert bench.row("x", "", ("a", 3.0), ("b", 1.0), ("<=", 1.5))["met"] is False
    assert bench.row("x", "", ("a", 1.0), ("b", 1.0), ("<=", 1.5))["met"] is True
    assert bench.row("x", "", ("wall", 20.0), target=("<", 30))["met"] is True


def test_thread_rows_run_two_interpreters():
    rows = bench.thread_rows(kinds=("linear",), latent_dim=5, repeats=1, steps=1)
    assert len(rows) == 1 and rows[0]["a"][0] == "2 threads" and rows[0]["b"][1] > 0


def test_chapter_rows_with_no_chapters_and_with_one(tmp_path):
    assert bench.chapter_rows(str(tmp_path))[0]["sizes"] == "none found"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")])
    nbformat.write(notebook, str(tmp_path / "01_tiny.ipynb"))
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]),
                   str(tmp_path / "02_broken.ipynb"))
    tiny, broken, total = bench.chapter_rows(str(tmp_path))
    assert tiny["what"] == "01_tiny.ipynb" and tiny["met"] is True and tiny["target"] == ("<", 20)
    assert broken["met"] is False and broken["note"] == "FAILED: ZeroDivisionError"
    assert total["what"] == "all chapters" and total["target"] == ("<", 120)
    assert total["a"][1] == tiny["a"][1] + broken["a"][1]


def test_peak_memory_is_a_plausible_number_of_megabytes():
    before = bench.peak_memory_mb()
    block = np.ones(50 * 2 ** 20 // 8)  # 50 MB, touched
    assert 10 < before and bench.peak_memory_mb() >= before and block.sum() > 0


def test_chapter_rows_count_the_kernels_cpu_time_with_the_cpu_clock(tmp_path, monkeypatch):
    code = "s = 0\nfor i in range(2_000_000):\n    s += i"  # about 0.1-0.3 s of CPU in the kernel
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]),
                   str(tmp_path / "01_busy.ipynb"))
    monkeypatch.setattr(bench, "clock", bench.CLOCKS["cpu"])
    busy, total = bench.chapter_rows(str(tmp_path))
    assert busy["a"][0] == "cpu" and total["a"][0] == "cpu"
    assert 0.05 < busy["a"][1] < float(busy["note"].split("wall ")[1].split(" s")[0]) + 1
    assert busy["note"].startswith("kernel cpu ")
