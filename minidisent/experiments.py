"""The recipes shared by `python -m minidisent`, the chapters and the benchmark: the
default toy data sets and one call that builds, trains and scores a model."""
import time

import numpy as np

from . import _checks, baselines, data, groups, metrics, models, operators, train

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
    if isinstance(count, (int, np.integer)) and not isinstance(count, bool) and count < 2:
        raise ValueError(f"count: expected at least 2 pairs (one generic, one periodic), got {count}")
    _checks.seed("seed", seed)
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
        consistency=0.0, progress=False, reconstruction=1.0, model_options=None, **overrides):
    """Train one model on train_pairs and score it on test_pairs; `model_options` (e.g.
    dict(gain=1.0)) go to build, `overrides` to train.fit. Returns a dict with
    model, op, params, history, seconds and the errors of metrics.by_symmetry."""
    _checks.seed("seed", seed)
    unknown = sorted(set(overrides) - set(SETTINGS.get(kind, overrides)))
    if unknown:
        raise TypeError(f"overrides: expected some of the fit settings {sorted(SETTINGS['linear'])}, got {unknown}")
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = build(kind, operator, group, latent_dim, **(model_options or {}))
    settings = {**SETTINGS[kind], **overrides}
    start = time.perf_counter()
    params, history = train.fit(train.supervised_loss(model, op, reconstruction, consistency),
                                model.init(np.random.default_rng(seed)), train_pairs,
                                seed=seed, progress=progress, **settings)
    return dict(kind=kind, operator=operator, model=model, op=op, params=params,
                history=history, seconds=time.perf_counter() - start,
                errors=metrics.by_symmetry(model, params, op, test_pairs))


# ---- The topological defect (chapter 03) -------------------------------------------

def orbit_error_split(model, params, op, X):
    """The x2 error of a trained model on every pair (x, g, g·x) of the images X (B, *shape),
    split around the orbit lower bound. With P_g the prediction for g·x, c = mean_g P_g
    its part constant in g and m = mean_g g·x the orbit's mean,
        Σ_g ‖P_g − g·x‖² = |G| ‖c − m‖²  +  Σ_g ‖(P_g − c) − (g·x − m)‖²
    (the cross term vanishes because both varying parts average to zero over g).
    For the linear disentangled model on Z_n, P_g − c only holds the frequencies ±1 in g,
    which a symmetric signal lacks, so the varying term is the bound plus Σ_g ‖P_g − c‖².
    Returns a dict of relative errors (each over Σ_g ‖g·x‖²), floats:
        error          prediction error of x2 on the orbits
        bound          metrics.orbit_lower_bound(op.group, X)[1]
        constant       |G| Σ‖c − m‖²: what the g-independent latent adds beyond the orbit's mean
        varying        error − constant (≥ bound for the linear disentangled model)
        reconstruction relative error of decode(encode(x)) against x (the x1 term)
    """
    G = op.group
    X = _checks.images("X", X, G.shape)
    pred = train.predict(model, params, op, *data.orbit_pairs(G, X)[:2]).reshape((len(X), G.order, -1))
    orbit = X.reshape(len(X), -1)[:, G.perms]  # (B, |G|, n_pixels): row g is g·x
    energy = np.sum(orbit ** 2)
    error = float(np.sum((pred - orbit) ** 2) / energy)
    constant = float(G.order * np.sum((pred.mean(axis=1) - orbit.mean(axis=1)) ** 2) / energy)
    return dict(error=error, bound=metrics.orbit_lower_bound(G, X)[1], constant=constant,
                varying=error - constant,
                reconstruction=metrics.relative_error(model.decode(params, model.encode(params, X)), X))


EPS = np.logspace(-4, 0, 9)  # the probe's distances to the symmetric image
# The probe MLPs: a strongly consistent encoder from the plain initialisation (gain 1), so
# the MLP is really non-linear (build's default gain 0.1 keeps it near its linear regime).
PROBE = dict(consistency=10.0, steps=3000, model_options=dict(gain=1.0))


def defect_data(n=16, count=256, seed=0):
    """The data of chapter 03: signals_1d(n, count, seed), trained on every shift of each
    training signal (so the consistency term sees each symmetric orbit whole).
    Returns (group, train_pairs (count·n pairs), test_images (count, n))."""
    group, train_pairs, test_pairs = signals_1d(n, count, seed)
    return group, data.orbit_pairs(group, train_pairs[0]), test_pairs[0]


def probe_path(group, X, seed=0):
    """The probe's path: x_sym, the first image of X (B, n) with a non-trivial stabilizer;
    h, the smallest non-identity element fixing it; v, a generic unit direction
    (data.random_signals with `seed`). Returns (x_sym, h, v)."""
    if len(group.shape) != 1:
        raise ValueError(f"group: expected a group of 1D signals, got images of shape {group.shape}")
    X = _checks.images("X", X, group.shape)
    symmetric = np.flatnonzero(group.stabilizer_sizes(X) > 1)
    if symmetric.size == 0:
        raise ValueError("X: expected at least one symmetric image (non-trivial stabilizer), got none")
    x_sym = X[symmetric[0]]
    v = data.random_signals(group.shape[0], 1, np.random.default_rng(seed))[0]
    return x_sym, int(group.stabilizer(x_sym)[1]), v / np.linalg.norm(v)


def probe_curves(runs, X, eps=EPS, seed=0):
    """The defect probe of each trained run (dicts from `run`, keyed by a label) along
    probe_path(group, X, seed). Returns a dict: eps (E,), x_sym, h, v, and per label
    ratio (E,), radius (E,) and typical, the median code radius ‖f_E(x)‖ over the images
    of X with a trivial stabilizer."""
    group = next(iter(runs.values()))["op"].group
    x_sym, h, v = probe_path(group, X, seed)
    generic = X[group.stabilizer_sizes(X) == 1]
    out = dict(eps=np.asarray(eps), x_sym=x_sym, h=h, v=v, ratio={}, radius={}, typical={})
    for label, r in runs.items():
        encode, params = r["model"].encode, r["params"]
        out["ratio"][label], out["radius"][label] = metrics.defect_probe(encode, params, x_sym, h, v, eps, group)
        out["typical"][label] = float(np.median(np.linalg.norm(encode(params, generic)[:, :2], axis=1)))
    return out


def probe_figure(path=None, n=16, count=128, steps=600, seed=0):
    """The defect-probe figure of `python -m minidisent` (a few seconds): an MLP with the
    disentangled and one with the shift operator, trained with the consistency term for
    `steps` steps on defect_data(n, count, seed), probed along probe_path.
    Saves a PNG to `path` if given. Returns (figure, probe_curves dict)."""
    from . import plots
    group, train_pairs, X = defect_data(n, count, seed)
    runs = {f"MLP + {op}": run("mlp", op, group, train_pairs, data.orbit_pairs(group, X[:8]), seed=seed,
                                **{**PROBE, "steps": steps})
            for op in ("disentangled", "shift")}
    curves = probe_curves(runs, X, seed=seed)
    fig = plots.defect_probe(curves["eps"], curves["ratio"], curves["radius"], curves["typical"])
    fig.suptitle(f"defect probe on {group.name}: MLPs trained {steps} steps with consistency "
                 f"{PROBE['consistency']:g}; h = shift by {curves['h']}", fontsize="small")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig, curves


def stabilizer_table(runs, group, X):
    """Text table of the x2 error on every pair (x, g, g·x) of the images X, one column per
    stabilizer size (metrics.by_stabilizer; 1 = generic), for each run of `runs`
    {label: dict from `run`}, with the equivariance error and a first row holding
    metrics.orbit_lower_bound of each class (the disentangled operator's floor). Errors
    below 1e-6 print as "<1e-6" (their digits depend on the machine's summation order)."""
    def cell(e):
        return f"{'<1e-6' if e < 1e-6 else format(e, '.1e'):>8}"

    pairs = data.orbit_pairs(group, X)
    sizes = group.stabilizer_sizes(X)
    classes = [int(s) for s in np.unique(sizes)]
    width = max(len("orbit lower bound"), *(len(label) for label in runs))
    lines = [f"{'stabilizer size':<{width}} " + " ".join(f"{s:>8d}" for s in classes) + f" {'equiv.':>8}",
             f"{'orbit lower bound':<{width}} " +
             " ".join(cell(metrics.orbit_lower_bound(group, X[sizes == s])[1]) for s in classes)]
    for label, r in runs.items():
        errors = metrics.by_stabilizer(r["model"], r["params"], r["op"], pairs)
        equivariance = metrics.equivariance_error(r["model"], r["params"], r["op"], pairs)
        lines.append(f"{label:<{width}} " + " ".join(cell(errors[s][1]) for s in classes) +
                     " " + cell(equivariance))
    return "\n".join(lines)


# --- two dimensions ---------------------------------------------------------------------
def groups_2d(n=6):
    """The 2D groups of the course on an n x n torus, by short name."""
    return {"translations": groups.translations((n, n)), "rotations": groups.rotations(n),
            "translations_rotations": groups.translations_rotations(n),
            "dihedral": groups.dihedral(n)}


def shapes_2d(group, count=256, seed=0):
    """The 2D toy task for any group on images of two axes: half generic random shapes,
    half shapes that the group fixes non-trivially (data.mixed_shapes), as training and
    held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)

    def draw():
        return data.pairs(group, data.mixed_shapes(group, count, rng), rng)

    return draw(), draw()


def pixel_orbits(group):
    """The number of orbits of the group on pixel positions. The pixel representation is
    a sum of one permutation representation per orbit, each contained once in the
    regular representation, so a shift-operator latent of |G| x pixel_orbits(group)
    dimensions can hold any image exactly and equivariantly."""
    return len({tuple(np.unique(column)) for column in group.perms.T})


def regular_latent_dim(group):
    """|G| * pixel_orbits(group): the latent size used for the shift operator in 2D."""
    return group.order * pixel_orbits(group)


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
                  "mlp": dict(steps=1000, batch_size=64, step_size=1e-2, decay=1e-2),
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


# --- Weak supervision (chapter 08): pairs (x1, x2) without g --------------------------

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
