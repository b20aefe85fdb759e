"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import data, groups, metrics, models, operators, train

# Adam settings that reach the numbers of the course (see chapters 05 and 06). The MLP
# starts near its linear regime (build's gain=0.1): from the default init (gain 1) the same
# 2000 steps leave a held-out error near 2e-3, with gain 0.1 it is about 1e-4.
SETTINGS = {
    "linear": dict(steps=2000, batch_size=64, step_size=3e-2, decay=1e-2),
    "mlp": dict(steps=2000, batch_size=64, step_size=1e-2, decay=1e-2),
}
OPERATORS = {"shift": operators.shift, "disentangled": operators.disentangled,
             "identity": operators.identity}


def signals_1d(n=16, count=512, seed=0):
    """The 1D toy task on Z_n: half generic, half periodic signals (periods: every proper
    divisor of n), as training and held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)
    group = groups.cyclic(n)

    def draw():
        generic = data.random_signals(n, count // 2, rng)
        symmetric, _ = data.periodic_signals(n, count - count // 2, rng)
        return data.pairs(group, np.concatenate([generic, symmetric]), rng)

    return group, draw(), draw()


def build(kind, operator, group, latent_dim, hidden=(64,), gain=0.1):
    """(model, op) for kind in {"linear", "mlp"} and operator in OPERATORS; `hidden` and
    `gain` (see models.mlp) shape the MLP."""
    if kind not in SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(SETTINGS)}, got {kind!r}")
    if operator not in OPERATORS:
        raise ValueError(f"operator: expected one of {sorted(OPERATORS)}, got {operator!r}")
    model = models.linear(group.shape, latent_dim) if kind == "linear" else \
        models.mlp(group.shape, latent_dim, hidden, gain)
    return model, OPERATORS[operator](group, latent_dim)


def run(kind, operator, group, train_pairs, test_pairs, latent_dim=None, seed=0,
        consistency=0.0, progress=False, model_options=None, **overrides):
    """Train one model on train_pairs and score it on test_pairs; `model_options` (e.g.
    dict(gain=1.0)) go to build, `overrides` to train.fit. Returns a dict with
    model, op, params, history, seconds and the errors of metrics.by_symmetry."""
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim, **(model_options or {}))
    settings = {**SETTINGS[kind], **overrides}
    start = time.perf_counter()
    params, history = train.fit(train.supervised_loss(model, op, consistency=consistency),
                                model.init(np.random.default_rng(seed)), train_pairs,
                                seed=seed, progress=progress, **settings)
    return dict(kind=kind, operator=operator, model=model, op=op, params=params,
                history=history, seconds=time.perf_counter() - start,
                errors=metrics.by_symmetry(model, params, op, test_pairs))


def table(results):
    """Results of `run` as a fixed-width text table: one row per trained model with the
    held-out prediction error (generic, symmetric), the equivariance error and train time."""
    head = (f"{'model':<7} {'operator':<13} {'pred. generic':>13} {'pred. symmetric':>15} "
            f"{'equiv. error':>12} {'train s':>7}")
    lines = [head, "-" * len(head)]
    for r in results:
        e = r["errors"]
        lines.append(f"{r['kind']:<7} {r['operator']:<13} {e['prediction']['generic']:>13.1e} "
                     f"{e['prediction']['symmetric']:>15.1e} {e['equivariance']['all']:>12.1e} "
                     f"{r['seconds']:>7.1f}")
    return "\n".join(lines)
