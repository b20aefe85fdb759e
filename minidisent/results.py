"""The results table (chapter 09 and `python -m minidisent`): every model x every data set
x generic / symmetric images, with the VAE baselines tested post hoc."""
from collections import namedtuple

import numpy as np

from . import data, groups, posthoc, recipes, representations, vae

# name -> a function of the seed giving (group, train_pairs, test_pairs)
DATASETS = {
    "1D shifts": lambda seed: data.signals_1d(16, 512, seed=seed),
    "2D translations": lambda seed: data.images_2d(groups.translations((6, 6)), seed=seed),
    "90° rotations": lambda seed: data.images_2d(groups.rotations(6), seed=seed),
    "translations+rotations": lambda seed: data.images_2d(groups.translations_rotations(4),
                                                          seed=seed),
}
# Shorter runs than SETTINGS, so that the whole table computes in seconds. Every supervised
# model gets the same loss, with latent consistency 1 (see train.supervised_loss); the models
# that cannot be exact stop after recipes.FLOOR_STEPS, where their error has settled.
TABLE_SETTINGS = {"linear": dict(recipes.SETTINGS["linear"], steps=1500),
                  "mlp": dict(recipes.SETTINGS["mlp"], steps=1000),
                  "vae": dict(steps=250, batch_size=256, step_size=1e-2, decay=1e-2)}
CONSISTENCY = 1.0


Entry = namedtuple("Entry", "group test_pairs models vae")


def results(datasets=("1D shifts",), seed=0, progress=None, quick=False, whiten=True):
    """The results table on the named DATASETS. For each: linear and MLP autoencoders with
    the identity (no operator), disentangled and shift operators, trained on the pairs;
    a VAE and a β-VAE trained on the images alone and tested post hoc (posthoc.posthoc).
    Latent size representations.shift_latent_dim(group) for every model. progress: None or
    a callable taking a line of text. Fit settings: `settings` (TABLE_SETTINGS; the models
    that cannot be exact stop at recipes.FLOOR_STEPS, where their error has settled).
    quick: a tenth of the training steps (a smoke test; the numbers are not the table's).
    whiten: linear + shift trains on whitened pairs (recipes.run's whiten, with
    recipes.WHITENED; False: TABLE_SETTINGS like the others).
    Whitening reweights the loss, which leaves an exact solution exact but moves an inexact
    optimum, so only the exact model (linear + shift) is whitened. Returns {dataset: Entry}:
    Entry.models maps (kind, operator) to a recipes.Trained, Entry.vae maps "vae" / "beta-vae" to
    the posthoc.posthoc dict with the trained "model" and "params" added."""
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown or not datasets:
        raise ValueError(f"datasets: expected names among {list(DATASETS)}, got {list(datasets)}")
    out = {}
    for name in datasets:
        group, train_pairs, test_pairs = DATASETS[name](seed)
        latent_dim = representations.shift_latent_dim(group)
        rows, unsupervised = {}, {}
        for kind in ("linear", "mlp"):
            for operator in ("identity", "disentangled", "shift"):
                if operator == "disentangled" and group.factors is None:
                    continue  # no faithful set of rotation planes for this group
                if progress:
                    progress(f"{name}: {ROW_LABELS[kind, operator]}")
                white = whiten and (kind, operator) == ("linear", "shift")
                rows[(kind, operator)] = train_model(kind, operator,
                                                     (group, train_pairs, test_pairs), seed, white,
                                                     quick)
        images = np.concatenate([train_pairs[0], train_pairs[2]])
        for label, beta in vae.BETAS.items():
            if progress:
                progress(f"{name}: {VAE_LABELS[label]} (beta = {beta:g}) and its post-hoc fits")
            model, params, _ = vae.fit_vae(group, images, latent_dim, beta=beta, seed=seed,
                                           **settings("vae", None, False, quick))
            unsupervised[label] = dict(model=model, params=params, **posthoc.posthoc(
                model, params, group, train_pairs, test_pairs, seed=seed))
        out[name] = Entry(group, test_pairs, rows, unsupervised)
    return out


def train_model(kind, operator, task, seed=0, whiten=False, quick=False, longer=1):
    """One supervised model of the table on task = (group, train_pairs, test_pairs):
    recipes.run with `settings`, latent consistency CONSISTENCY and the latent
    representations.shift_latent_dim(group); `longer` multiplies its steps (claims.floors_settled
    trains the models that stop at recipes.FLOOR_STEPS three times as long).
    Returns a recipes.Trained."""
    group, train_pairs, test_pairs = task
    fit = settings(kind, operator, whiten, quick)
    return recipes.run(kind, operator, group, train_pairs, test_pairs, seed=seed, whiten=whiten,
                       latent_dim=representations.shift_latent_dim(group), consistency=CONSISTENCY,
                       **dict(fit, steps=longer * fit["steps"]))


def settings(kind, operator, whiten=False, quick=False):
    """The fit settings of one model of the table: TABLE_SETTINGS[kind] ("linear", "mlp",
    "vae"); recipes.WHITENED if whiten; recipes.FLOOR_STEPS steps for an operator that
    cannot be exact ("identity", "disentangled"); a tenth of the steps if quick."""
    fit = recipes.WHITENED if whiten else TABLE_SETTINGS[kind]
    steps = recipes.FLOOR_STEPS[kind] if operator in ("identity", "disentangled") else fit["steps"]
    return dict(fit, steps=steps // 10 if quick else steps)


ROW_LABELS = {("linear", "identity"): "linear, no operator",
              ("linear", "disentangled"): "linear + disentangled",
              ("linear", "shift"): "linear + shift", ("mlp", "identity"): "MLP, no operator",
              ("mlp", "disentangled"): "MLP + disentangled", ("mlp", "shift"): "MLP + shift"}
# The exact models and the bound their claim tests (claims.linear_shift_exact, every seed):
# their errors (about 1e-11) are printed as "≤ bound", since the digits below it move with
# the BLAS kernel (8.6e-12 with OpenBLAS's Haswell kernel, 1.7e-11 with Prescott, seed 0).
EXACT = {("linear", "shift"): 1e-6}
VAE_LABELS = {"vae": "VAE", "beta-vae": "β-VAE"}
POSTHOC_LABELS = {"plane": "rotation plane fitted after", "linear": "linear map per g fitted after"}


def _cell(value, bound=None):
    """A table cell: "—" for none, "≤ bound" for an exact model within its claim's bound,
    else the value to two digits."""
    if value is None or np.isnan(value):
        return "—"
    return f"≤ {bound:g}" if bound is not None and value <= bound else f"{value:.1e}"


def prediction_rows(table):
    """The rows of the main table: [(label, [error per data set and class])] where the
    columns are (data set, "generic"), (data set, "symmetric") in the order of `table`."""
    rows = []
    for key, label in ROW_LABELS.items():
        rows.append((label, [table[d].models[key].errors["prediction"][c] if key in table[d].models
                             else None for d in table for c in ("generic", "symmetric")]))
    for name in vae.BETAS:
        for fit, how in POSTHOC_LABELS.items():
            fitted = {d: table[d].vae[name][fit] for d in table}
            rows.append((f"{VAE_LABELS[name]}, {how}",
                         [None if fitted[d] is None else fitted[d]["prediction"][c]
                          for d in table for c in ("generic", "symmetric")]))
    return rows


def results_markdown(table):
    """Two markdown tables from results(): held-out prediction errors of x2 for every model,
    and the post-hoc test of the unsupervised models."""
    columns = [f"{d}: {c}" for d in table for c in ("generic", "symmetric")]
    head = "| model | " + " | ".join(columns) + " |"
    lines = ["Relative error of the predicted x2 = g·x1 on held-out pairs (— : the operator "
             "does not exist for that group)", "", head, "|" + "---|" * (1 + 2 * len(table))]
    bounds = [EXACT.get(key) for key in ROW_LABELS]
    bounds += [None] * (len(vae.BETAS) * len(POSTHOC_LABELS))
    lines += [f"| {label} | " + " | ".join(_cell(c, bound) for c in cells) + " |"
              for (label, cells), bound in zip(prediction_rows(table), bounds)]
    lines += ["", f"(≤ {EXACT['linear', 'shift']:g}: an exact model, within the bound of the "
              "claim linear_shift_exact; its digits below that depend on the BLAS kernel.)"]
    lines += ["",
              "Unsupervised models tested post hoc (all held-out pairs): reconstruction, "
              "prediction of x2 through each fitted map, the per-g maps rebuilt from the "
              "generators' maps, "
              "homomorphism error of the per-g maps, equivariance error of the encoder", "",
              "| data set | model | reconstruction | rotation plane | linear per g | composed from "
              "generators | homomorphism | equivariance (per g) | equivariance (plane) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for d in table:
        for name, r in table[d].vae.items():
            plane = r["plane"]
            lines.append(f"| {d} | {VAE_LABELS[name]} | {_cell(r['reconstruction'])} | "
                         f"{_cell(None if plane is None else plane['prediction']['all'])} | "
                         f"{_cell(r['linear']['prediction']['all'])} | "
                         f"{_cell(r['linear']['composed']['all'])} | "
                         f"{_cell(r['linear']['homomorphism'])} | "
                         f"{_cell(r['linear']['equivariance']['all'])} | "
                         f"{_cell(None if plane is None else plane['equivariance']['all'])} |")
    return "\n".join(lines)
