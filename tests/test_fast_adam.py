"""fast_adam.lean_adam against the reference train.adam_step: the same update within a few
roundings per step, no per-step allocation the size of the parameters, and a whole fit ending
at the same loss."""
import tracemalloc

import numpy as np
import pytest

from minidisent import data, fast, fast_adam, recipes, train


def _gradients(rng, shape, steps, dtype):
    """Gradients over nine decades of scale, signs changing (the first moment cancels), one
    entry always zero."""
    for _ in range(steps):
        g = rng.normal(size=shape) * 10.0 ** rng.uniform(-6, 3, size=shape)
        g[0, 0] = 0
        yield g.astype(dtype)


@pytest.mark.parametrize("dtype,bound", [(np.float64, 1e-14), (np.float32, 1e-5)])
def test_each_step_is_adams_update_within_a_few_roundings(dtype, bound):
    """Per element and step: |lean − reference| <= bound · (the reference's update of |g|).
    Relative to the update itself the gap can be larger where the first moment cancels (a sum
    of gradients of both signs): there the reference's own rounding is as large."""
    rng, shape = np.random.default_rng(0), (40, 7)
    zeros = lambda: (np.zeros(shape, dtype), np.zeros(shape, dtype))  # noqa: E731
    plain, absolute, lean = {"w": zeros()}, {"w": zeros()}, {"w": zeros()}
    update = fast_adam.lean_adam()
    for i, g in enumerate(_gradients(rng, shape, 1000, dtype)):
        x = {name: {"w": np.zeros(shape, dtype)} for name in ("plain", "absolute", "lean")}
        train.adam_step(x["plain"], {"w": g}, plain, i, 1e-2)  # from 0: x is minus the update
        train.adam_step(x["absolute"], {"w": np.abs(g)}, absolute, i, 1e-2)
        update(x["lean"], {"w": g}, lean, i, 1e-2)
        assert x["lean"]["w"].dtype == dtype
        gap = np.abs(x["lean"]["w"] - x["plain"]["w"])
        assert np.all(gap <= bound * np.abs(x["absolute"]["w"])), (i, gap.max())
        assert x["lean"]["w"][0, 0] == 0 and np.count_nonzero(x["plain"]["w"]) == g.size - 1


def _peak_bytes(step):
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_step_allocates_nothing_the_size_of_the_parameters():
    rng, shape = np.random.default_rng(1), (400, 100)
    params = {"a": rng.normal(size=shape), "b": rng.normal(size=shape)}
    grad = {k: rng.normal(size=shape) for k in params}
    moments = {k: (np.zeros(shape), np.zeros(shape)) for k in params}
    size = params["a"].nbytes
    assert size > 2 * 8 * fast_adam.CHUNK  # several chunks
    update = fast_adam.lean_adam()
    assert _peak_bytes(lambda: update(params, grad, moments, 0, 1e-3)) < size  # two chunks
    assert _peak_bytes(lambda: update(params, grad, moments, 1, 1e-3)) < size / 10
    assert _peak_bytes(lambda: train.adam_step(params, grad, moments, 2, 1e-3)) >= size  # reference


@pytest.mark.parametrize("shape", [(3000, 7), (40000,), (5, 4000, 3), (), (0,)], ids=str)
def test_the_chunks_give_the_unchunked_numbers_bit_for_bit(shape, monkeypatch):
    """Elementwise passes do not depend on the chunking: any shape, a gradient in Fortran order."""
    runs = []
    for chunk in (fast_adam.CHUNK, 10 ** 9):
        monkeypatch.setattr(fast_adam, "CHUNK", chunk)
        x = {"w": np.ones(shape)}
        moments, update = {"w": (np.zeros(shape), np.zeros(shape))}, fast_adam.lean_adam()
        for i, g in enumerate(np.random.default_rng(3).normal(size=(3,) + shape)):
            update(x, {"w": np.asfortranarray(g) if g.ndim > 1 else g}, moments, i, 1e-2)
        runs.append((x["w"], *moments["w"]))
    assert all(np.array_equal(a, b) for a, b in zip(*runs))
    assert shape == (0,) or not np.array_equal(runs[0][0], np.ones(shape))


@pytest.mark.parametrize("kind,tolerance", [("linear", 1e-11), ("mlp", 1e-6)])
def test_a_whole_fit_ends_at_the_reference_loss(kind, tolerance):
    """1000 steps with decay: the trajectories drift apart only by amplified roundings."""
    group, pairs, _ = data.signals_1d(16, count=256)
    model, op = recipes.build(kind, "shift", group, 16)
    objective, start = fast.supervised_loss(model, op), model.init(np.random.default_rng(1))
    settings = dict(steps=1000, batch_size=64, step_size=1e-2, decay=0.1, seed=2)
    plain, plain_history = train.fit(objective, start, pairs, **settings)
    lean, lean_history = train.fit(objective, start, pairs, update=fast_adam.lean_adam(),
                                   **settings)
    assert lean_history[-1] < 0.2 * lean_history[0]  # it trained
    assert abs(lean_history[-1] - plain_history[-1]) <= tolerance * plain_history[-1]
    final = objective(plain, pairs)
    assert abs(objective(lean, pairs) - final) <= tolerance * final
    assert all(lean[k].dtype == plain[k].dtype for k in plain)
