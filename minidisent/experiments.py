"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import _checks, baselines, data, groups, metrics, models, operators, train

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


# ---- the results table: every model x every data set x generic / symmetric images ----

def symmetric_images(group, X, rng, elements=None):
    """Symmetric versions of images X (B, *shape): for each image a random non-identity h
    (from `elements`, default all), every pixel replaced by the mean over its cycle under
    h, so h·x == x exactly and the stabilizer is non-trivial. -> (B, *shape)."""
    X = _checks.images("X", X, group.shape)
    _checks.generator("rng", rng)
    choices = np.arange(1, group.order) if elements is None else \
        _checks.elements("elements", elements, group.order)
    if choices.size == 0 or np.any(choices == 0):
        raise ValueError(f"elements: expected non-identity elements of {group.name}, got {choices.tolist()}")
    h = choices[rng.integers(0, len(choices), size=len(X))]
    flat = X.reshape(len(X), -1).copy()
    for e in np.unique(h):
        cycle = np.arange(group.n_pixels)  # label each pixel by the least pixel of its cycle
        moved = group.perms[e]
        for _ in range(group.n_pixels):
            cycle = np.minimum(cycle, cycle[moved])
        rows = np.flatnonzero(h == e)
        for label in np.unique(cycle):
            pixels = cycle == label
            flat[np.ix_(rows, pixels)] = flat[np.ix_(rows, pixels)].mean(axis=1, keepdims=True)
    return flat.reshape(X.shape)


def images_2d(group, count=512, seed=0, width=0.6):
    """A 2D toy task: half generic data.random_blobs, half symmetric_images of fresh blobs,
    as training and held-out pairs of `count` pairs each. -> (group, train_pairs, test_pairs).
    The bumps are narrow (width 0.6 pixel) so that every Fourier mode carries energy."""
    rng = np.random.default_rng(seed)

    def draw():
        generic = data.random_blobs(group.shape, count // 2, rng, width=width)
        symmetric = symmetric_images(group, data.random_blobs(group.shape, count - count // 2, rng,
                                                              width=width), rng)
        return data.pairs(group, np.concatenate([generic, symmetric]), rng)

    return group, draw(), draw()


# name -> a function of the seed giving (group, train_pairs, test_pairs)
DATASETS = {
    "1D shifts": lambda seed: signals_1d(16, 512, seed=seed),
    "2D translations": lambda seed: images_2d(groups.translations((6, 6)), seed=seed),
    "90° rotations": lambda seed: images_2d(groups.rotations(6), seed=seed),
    "translations+rotations": lambda seed: images_2d(groups.translations_rotations(4), seed=seed),
}
# Shorter runs than SETTINGS, so that the whole table computes in well under a minute.
# Every supervised model gets the same loss, with latent consistency 1 (see train.supervised_loss).
TABLE_SETTINGS = {"linear": dict(steps=1500, batch_size=64, step_size=3e-2, decay=1e-2),
                  "mlp": dict(steps=500, batch_size=64, step_size=1e-2, decay=1e-2),
                  "vae": dict(steps=400, batch_size=256, step_size=1e-2, decay=1e-2)}
CONSISTENCY = 1.0


def results(datasets=("1D shifts",), seed=0, progress=None, quick=False):
    """The results table on the named DATASETS. For each: linear and MLP autoencoders with
    the identity (no operator), disentangled and shift operators, trained on the pairs;
    a VAE and a β-VAE trained on the images alone and tested post hoc (baselines.posthoc).
    Latent size |G|·ceil(n_pixels/|G|) for every model. progress: None or a callable
    taking a line of text. quick: a tenth of the training steps (a smoke test; the numbers
    are not the table's). Returns {dataset: {"group", "test_pairs", "models": {(kind,
    operator): experiments.run result}, "vae": {"vae" / "beta-vae": baselines.posthoc
    result with "model" and "params"}}}."""
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown or not datasets:
        raise ValueError(f"datasets: expected names among {list(DATASETS)}, got {list(datasets)}")
    settings = {kind: dict(s, steps=s["steps"] // 10 if quick else s["steps"])
                for kind, s in TABLE_SETTINGS.items()}
    out = {}
    for name in datasets:
        group, train_pairs, test_pairs = DATASETS[name](seed)
        latent_dim = group.order * -(-group.n_pixels // group.order)
        rows, unsupervised = {}, {}
        for kind in ("linear", "mlp"):
            for operator in ("identity", "disentangled", "shift"):
                if operator == "disentangled" and group.factors is None:
                    continue  # no faithful set of rotation planes for this group
                if progress:
                    progress(f"{name}: {kind} + {operator}")
                rows[(kind, operator)] = run(kind, operator, group, train_pairs, test_pairs,
                                             latent_dim=latent_dim, seed=seed,
                                             consistency=CONSISTENCY, **settings[kind])
        images = np.concatenate([train_pairs[0], train_pairs[2]])
        for label, beta in baselines.BETAS.items():
            if progress:
                progress(f"{name}: {label} (beta={beta}) and its post-hoc fits")
            model, params, _ = baselines.fit_vae(group, images, latent_dim, beta=beta, seed=seed,
                                                 **settings["vae"])
            unsupervised[label] = dict(model=model, params=params, **baselines.posthoc(
                model, params, group, train_pairs, test_pairs, seed=seed))
        out[name] = dict(group=group, test_pairs=test_pairs, models=rows, vae=unsupervised)
    return out


ROW_LABELS = {("linear", "identity"): "linear, no operator", ("linear", "disentangled"): "linear + disentangled",
              ("linear", "shift"): "linear + shift", ("mlp", "identity"): "MLP, no operator",
              ("mlp", "disentangled"): "MLP + disentangled", ("mlp", "shift"): "MLP + shift"}
POSTHOC_LABELS = {"plane": "rotation plane fitted after", "linear": "linear map per g fitted after"}


def _cell(value):
    return "—" if value is None or np.isnan(value) else f"{value:.1e}"


def prediction_rows(table):
    """The rows of the main table: [(label, [error per data set and class])] where the
    columns are (data set, "generic"), (data set, "symmetric") in the order of `table`."""
    rows = []
    for key, label in ROW_LABELS.items():
        rows.append((label, [table[d]["models"][key]["errors"]["prediction"][c] if key in table[d]["models"]
                             else None for d in table for c in ("generic", "symmetric")]))
    for vae in baselines.BETAS:
        for fit, how in POSTHOC_LABELS.items():
            rows.append((f"{'β-VAE' if vae == 'beta-vae' else 'VAE'}, {how}",
                         [None if table[d]["vae"][vae][fit] is None else
                          table[d]["vae"][vae][fit]["prediction"][c]
                          for d in table for c in ("generic", "symmetric")]))
    return rows


def results_markdown(table):
    """Two markdown tables from results(): held-out prediction errors of x2 for every model,
    and the post-hoc test of the unsupervised models."""
    head = "| model | " + " | ".join(f"{d}: {c}" for d in table for c in ("generic", "symmetric")) + " |"
    lines = ["Relative error of the predicted x2 = g·x1 on held-out pairs (— : the operator "
             "does not exist for that group)", "", head, "|" + "---|" * (1 + 2 * len(table))]
    lines += [f"| {label} | " + " | ".join(map(_cell, cells)) + " |" for label, cells in prediction_rows(table)]
    lines += ["", "Unsupervised models tested post hoc (all held-out pairs): reconstruction, prediction "
              "of x2 through each fitted map, the per-g maps rebuilt from the generators' maps, "
              "homomorphism error of the per-g maps, equivariance error of the encoder", "",
              "| data set | model | reconstruction | rotation plane | linear per g | composed from "
              "generators | homomorphism | equivariance (per g) | equivariance (plane) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for d in table:
        for vae, r in table[d]["vae"].items():
            plane = r["plane"]
            lines.append(f"| {d} | {'β-VAE' if vae == 'beta-vae' else 'VAE'} | {_cell(r['reconstruction'])} | "
                         f"{_cell(None if plane is None else plane['prediction']['all'])} | "
                         f"{_cell(r['linear']['prediction']['all'])} | {_cell(r['linear']['composed']['all'])} | "
                         f"{_cell(r['linear']['homomorphism'])} | {_cell(r['linear']['equivariance']['all'])} | "
                         f"{_cell(None if plane is None else plane['equivariance']['all'])} |")
    return "\n".join(lines)
