"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import data, groups, metrics, models, operators, train

# Adam settings that reach the numbers of the course (see chapters 05 and 06).
SETTINGS = {
    "linear": dict(steps=2000, batch_size=64, step_size=3e-2, decay=1e-2),
    "mlp": dict(steps=3000, batch_size=64, step_size=1e-2, decay=1e-2),
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


def build(kind, operator, group, latent_dim, hidden=(64,)):
    """(model, op) for kind in {"linear", "mlp"} and operator in OPERATORS."""
    if kind not in SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(SETTINGS)}, got {kind!r}")
    if operator not in OPERATORS:
        raise ValueError(f"operator: expected one of {sorted(OPERATORS)}, got {operator!r}")
    model = models.linear(group.shape, latent_dim) if kind == "linear" else \
        models.mlp(group.shape, latent_dim, hidden)
    return model, OPERATORS[operator](group, latent_dim)


def run(kind, operator, group, train_pairs, test_pairs, latent_dim=None, seed=0,
        consistency=0.0, progress=False, **overrides):
    """Train one model on train_pairs and score it on test_pairs. Returns a dict with
    model, op, params, history, seconds and the errors of metrics.by_symmetry."""
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim)
    settings = {**SETTINGS[kind], **overrides}
    start = time.perf_counter()
    params, history = train.fit(train.supervised_loss(model, op, consistency=consistency),
                                model.init(np.random.default_rng(seed)), train_pairs,
                                seed=seed, progress=progress, **settings)
    return dict(kind=kind, operator=operator, model=model, op=op, params=params,
                history=history, seconds=time.perf_counter() - start,
                errors=metrics.by_symmetry(model, params, op, test_pairs))


# --- Weak supervision (chapter 08): pairs (x1, x2) without g --------------------------

def periodic_images(shape, count, rng, periods=((4, 4), (2, 8), (8, 2), (2, 2))):
    """Symmetric 2D images (count, h, w): a random (p, q) tile of data.random_blobs
    repeated over the torus, periods drawn evenly. Its stabilizer holds the
    (h/p)·(w/q) translations by multiples of (p, q)."""
    h, w = shape
    X = np.empty((count,) + tuple(shape))
    for i, (p, q) in enumerate(periods):
        rows = np.arange(i, count, len(periods))
        tile = data.random_blobs((p, q), rows.size, rng, width=0.6 * min(p, q) / 2 + 0.4)
        X[rows] = np.tile(tile, (1, h // p, w // q))
    return X


def images_2d(shape=(8, 8), count=512, seed=0):
    """The 2D toy task on Z_h x Z_w translations: half generic blobs, half periodic
    images, as training and held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)
    group = groups.translations(tuple(shape))

    def draw():
        generic = data.random_blobs(shape, count // 2, rng)
        return data.pairs(group, np.concatenate([generic, periodic_images(shape, count - count // 2, rng)]), rng)

    return group, draw(), draw()


def run_weak(kind, group, train_pairs, test_pairs, anchors=16, tau=0.3, consistency=1.0,
             latent_dim=None, seed=0, steps=500, batch_size=64, blend=None):
    """Train the shift operator from pairs (x1, x2) without their g, then score it.

    anchors  how many training pairs keep their label (0: none). With anchors: a
             supervised warm start on them (the settings of `run`), then `steps` steps
             of the weak loss with them added. Without: the weak loss alone, `steps`
             steps at each of 30·tau, 10·tau, 3·tau, tau, tau/3, tau/10 (annealing lets
             the scores organise before the weights become sharp).
    blend    train.weak_loss's: by default "errors" without anchors, "codes" (cheaper) with.
    Both end with self-labelling, the tau -> 0 limit of the weak loss: every training pair
    gets the model's best candidate as its label (anchors keep theirs) and the model is
    trained on them with the supervised loss and settings of `run`.
    Returns a dict: model, op, params, seconds, g_pred (the model's labels of the held-out
    pairs), sigma (relabelling: the model says sigma(g)), coset (accuracy after it),
    by_stabilizer (metrics.accuracy_by_stabilizer after it) and error (held-out prediction
    error of x2 from x1 and sigma(g), comparable with run's)."""
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, "shift", group, latent_dim)
    if isinstance(anchors, bool) or not isinstance(anchors, (int, np.integer)) \
            or not 0 <= anchors <= len(train_pairs[0]):
        raise ValueError(f"anchors: expected a number of pairs in [0, {len(train_pairs[0])}], got {anchors!r}")
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(train_pairs[0]), anchors, replace=False) if anchors else None
    labelled = None if pick is None else tuple(a[pick] for a in train_pairs)
    x1, _, x2 = train_pairs
    start = time.perf_counter()
    params = model.init(rng)
    if labelled is None:
        taus = [30 * tau, 10 * tau, 3 * tau, tau, tau / 3, tau / 10]
    else:
        taus = [tau]
        params, _ = train.fit(train.supervised_loss(model, op, consistency=consistency), params,
                              labelled, seed=seed, **SETTINGS[kind])
    for t in taus:
        loss = train.weak_loss(model, op, tau=t, consistency=consistency, anchors=labelled,
                               blend=blend or ("codes" if labelled else "errors"))
        params, _ = train.fit(loss, params, (x1, x2), steps=steps,
                              batch_size=batch_size, step_size=1e-2, seed=seed)
    labels = train.infer(model, params, op, x1, x2)
    if pick is not None:
        labels[pick] = labelled[1]
    final = {**SETTINGS[kind], "steps": 2 * SETTINGS[kind]["steps"]}
    params, _ = train.fit(train.supervised_loss(model, op), params, (x1, labels, x2), seed=seed,
                          **final)
    seconds = time.perf_counter() - start
    x1, g, x2 = test_pairs
    g_pred = train.infer(model, params, op, x1, x2)
    if labelled is None:
        sigma, coset = metrics.best_relabelling(group, x1, g_pred, x2)
    else:
        sigma = metrics.anchored_relabelling(group, train.infer(model, params, op, labelled[0], labelled[2]),
                                             labelled[1])
        coset = metrics.coset_accuracy(group, x1, metrics.relabel(sigma, g_pred), x2)
    return dict(kind=kind, model=model, op=op, params=params, seconds=seconds, g_pred=g_pred,
                sigma=sigma, coset=coset,
                by_stabilizer=metrics.accuracy_by_stabilizer(group, x1, metrics.relabel(sigma, g_pred), g, x2),
                error=metrics.prediction_error(model, params, op, (x1, sigma[g], x2)))
