"""python -m minidisent: the results table.

Linear and MLP autoencoders with no operator, the disentangled operator and the shift
operator, trained on pairs (x1, g, x2 = g·x1); a VAE and a β-VAE trained on the images alone
and tested post hoc (baselines.posthoc). By default on 1D cyclic shifts of generic and
symmetric (periodic) signals; with --full also on 2D translations, 90° rotations and the
non-commutative group of both. Prints the tables (markdown) and writes figures/.
"""
import argparse
import os
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no window

from . import baselines, experiments, plots  # noqa: E402


def predictions_figure(table, folder):
    """The linear models' predictions of a symmetric 1D test signal (predictions_symmetric.png)."""
    entry = table["1D shifts"]
    group, (x1, g, x2) = entry["group"], entry["test_pairs"]
    # the symmetric test signal that moves most: largest variance among stabilizer > 1
    sym = int(np.argmax(np.where(group.stabilizer_sizes(x1) > 1, x1.var(axis=1), -np.inf)))
    linear = [r for (kind, _), r in entry["models"].items() if kind == "linear"]
    predicted = [experiments.train.predict(r["model"], r["params"], r["op"], x1[sym:sym + 1], g[sym:sym + 1])[0]
                 for r in linear]
    fig = plots.predictions(x2[sym], predicted, [f"linear + {r['operator']}" for r in linear],
                            title=f"a symmetric signal (stabilizer of order {len(group.stabilizer(x1[sym]))}) shifted by g={g[sym]}: predictions")
    return [_save(fig, folder, "predictions_symmetric.png")]


def traversal_figures(table, folder):
    """Latent traversals of the trained VAE and β-VAE on each data set (traversal_*.png)."""
    paths = []
    for name, entry in table.items():
        x1 = entry["test_pairs"][0]
        for label, r in entry["vae"].items():
            dims = baselines.active_dims(r["model"], r["params"], x1, count=4 if x1.ndim == 2 else 3)
            fig = plots.traversal(r["model"], r["params"], x1[0], dims, steps=7 if x1.ndim == 2 else 5,
                                  title=f"{label} on {name}: decode(z + t e_d), most active d")
            slug = name.replace("°", "").replace("+", "_").replace(" ", "_").lower()
            paths.append(_save(fig, folder, f"traversal_{label.replace('-', '')}_{slug}.png"))
    return paths


def defect_probe_figure(folder, seed, quick=False):
    """The defect probe of a disentangled and a shift-operator MLP near a symmetric signal
    (defect_probe.png; chapter 03 has the full-length version)."""
    path = os.path.join(folder, "defect_probe.png")
    fig, _ = experiments.probe_figure(path, seed=seed, steps=60 if quick else 600)
    matplotlib.pyplot.close(fig)
    return [path]


def _save(fig, folder, filename):
    path = os.path.join(folder, filename)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    matplotlib.pyplot.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of data and training (default 0)")
    parser.add_argument("--full", action="store_true",
                        help="every data set (1D, 2D translations, 90° rotations, both), not only 1D")
    parser.add_argument("--figures", default="figures", help="folder for the PNGs (default figures/)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: a tenth of the training steps (not the table's numbers)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    names = tuple(experiments.DATASETS) if args.full else ("1D shifts",)
    progress = None if args.quiet else (lambda line: print(f"training {line} ...", file=sys.stderr, flush=True))
    table = experiments.results(names, seed=args.seed, progress=progress, quick=args.quick)
    print(experiments.results_markdown(table))

    os.makedirs(args.figures, exist_ok=True)
    paths = predictions_figure(table, args.figures) + traversal_figures(table, args.figures)
    paths += defect_probe_figure(args.figures, args.seed, args.quick)
    print(f"\nwrote {', '.join(paths)}; total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
