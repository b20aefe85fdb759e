"""python -m minidisent: the results table.

Linear and MLP autoencoders with no operator, the disentangled operator and the shift
operator, trained on pairs (x1, g, x2 = g·x1); a VAE and a β-VAE trained on the images alone
and tested post hoc (posthoc.posthoc). By default on 1D cyclic shifts of generic and
symmetric (periodic) signals; with --full also on 2D translations, 90° rotations and the
non-commutative group of both. Prints the tables (markdown) and writes figures/
(checked before training; each figure written whole, through a temporary file).
"""
import argparse
import os
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no window

from . import data, defect, digits, plots, recipes, results, vae  # noqa: E402
from .train import predict  # noqa: E402


def predictions_figure(table, folder):
    """The linear models' predictions of a symmetric 1D test signal (predictions_symmetric.png)."""
    entry = table["1D shifts"]
    group, (x1, g, x2) = entry.group, entry.test_pairs
    # the symmetric test signal that moves most: largest variance among stabilizer > 1
    sym = int(np.argmax(np.where(group.stabilizer_sizes(x1) > 1, x1.var(axis=1), -np.inf)))
    linear = [r for (kind, _), r in entry.models.items() if kind == "linear"]
    predicted = [predict(r.model, r.params, r.op, x1[sym:sym + 1], g[sym:sym + 1])[0] for r in linear]
    names = {"identity": "linear, no operator"}
    fig = plots.predictions(x2[sym], predicted, [names.get(r.operator, f"linear + {r.operator}") for r in linear],
                            title=f"a symmetric signal (stabilizer of order {len(group.stabilizer(x1[sym]))}) shifted by g={g[sym]}: predictions")
    return [_save(fig, folder, "predictions_symmetric.png")]


def traversal_figures(table, folder):
    """Latent traversals of the trained VAE and β-VAE on each data set (traversal_*.png)."""
    paths = []
    for name, entry in table.items():
        x1 = entry.test_pairs[0]
        for label, r in entry.vae.items():
            dims = vae.active_dims(r["model"], r["params"], x1, count=4 if x1.ndim == 2 else 3)
            fig = plots.traversal(r["model"], r["params"], x1[0], dims, steps=7 if x1.ndim == 2 else 5,
                                  title=f"{label} on {name}: decode(z + t e_d), most active d")
            slug = name.replace("°", "").replace("+", "_").replace(" ", "_").lower()
            paths.append(_save(fig, folder, f"traversal_{label.replace('-', '')}_{slug}.png"))
    return paths


def probe_figure(path=None, n=16, count=128, steps=600, seed=0):
    """The defect-probe figure of `python -m minidisent` (a few seconds): an MLP with the
    disentangled and one with the shift operator, trained with the consistency term for
    `steps` steps on defect.defect_data(n, count, seed), probed along probe_path.
    Saves a PNG to `path` if given. Returns (figure, probe_curves dict)."""
    group, train_pairs, X = defect.defect_data(n, count, seed)
    runs = {f"MLP + {op}": recipes.run("mlp", op, group, train_pairs, data.orbit_pairs(group, X[:8]), seed=seed,
                                **{**defect.PROBE, "steps": steps})
            for op in ("disentangled", "shift")}
    curves = defect.probe_curves(runs, X, seed=seed)
    fig = plots.defect_probe(curves["eps"], curves["ratio"], curves["radius"], curves["typical"])
    fig.suptitle(f"defect probe on {group.name}: MLPs trained {steps} steps with consistency "
                 f"{defect.PROBE['consistency']:g}; h = shift by {curves['h']}", fontsize="small")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig, curves


def defect_probe_figure(folder, seed, quick=False):
    """The defect probe of a disentangled and a shift-operator MLP near a symmetric signal
    (defect_probe.png; chapter 03 has the full-length version)."""
    fig, _ = probe_figure(seed=seed, steps=60 if quick else 600)
    return [_save(fig, folder, "defect_probe.png")]


def _save(fig, folder, filename):
    """Write fig to folder/filename whole: to a temporary name first, then renamed."""
    path = os.path.join(folder, filename)
    partial = path + ".partial.png"
    try:
        fig.savefig(partial, dpi=120, bbox_inches="tight")
        os.replace(partial, path)
    finally:
        matplotlib.pyplot.close(fig)
        if os.path.exists(partial):
            os.remove(partial)
    return path


def _figure_folder(folder):
    """The figure folder, made if missing, checked writable before any training."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise SystemExit(f"--figures: cannot make the folder {folder!r}: {error.strerror}") from None
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise SystemExit(f"--figures: expected a writable folder, got {folder!r}")
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of data and training (default 0)")
    parser.add_argument("--full", action="store_true",
                        help="every data set (1D, 2D translations, 90° rotations, both) and the real "
                             "digits of chapter 10, not only 1D")
    parser.add_argument("--figures", default="figures", help="folder for the PNGs (default figures/)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: a tenth of the training steps (not the table's numbers)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    folder = _figure_folder(args.figures)
    names = tuple(results.DATASETS) if args.full else ("1D shifts",)
    progress = None if args.quiet else (lambda line: print(f"training {line} ...", file=sys.stderr, flush=True))
    table = results.results(names, seed=args.seed, progress=progress, quick=args.quick)
    print(results.results_markdown(table))
    if args.full:  # chapter 10's table: real digits under three exact groups
        if progress:
            progress("real digits: linear and MLP with each operator on three groups")
        steps = {k: max(1, s // 10) for k, s in digits.STEPS.items()} if args.quick else digits.STEPS
        runs = digits.experiment(digits.load()[0], seed=args.seed, steps=steps)[1]
        print("\nReal digits (chapter 10): held-out relative error of x2 = g·x1\n")
        print(digits.results_table(runs))

    paths = predictions_figure(table, folder) + traversal_figures(table, folder)
    paths += defect_probe_figure(folder, args.seed, args.quick)
    print(f"\nwrote {', '.join(paths)}; total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
