"""python -m minidisent: the results table.

Linear and MLP autoencoders with no operator, the disentangled operator and the shift
operator, trained on pairs (x1, g, x2 = g·x1); a VAE and a β-VAE trained on the images alone
and tested post hoc (posthoc.posthoc). By default on 1D cyclic shifts of generic and
symmetric (periodic) signals; with --full also on 2D translations, 90° rotations and the
non-commutative group of both. Prints the tables (markdown) and writes figures/ (the folder
checked before training; the figures replaced together, see _writing.replace_together; PNGs of
plotted values rounded to 4 significant digits, so the same run gives the same bytes under
any BLAS kernel). --quick writes figures only to a folder given with --figures: its figures
are not the committed ones.
"""
import argparse
import os
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no window

from . import _writing, data, defect, digits, plots, recipes, results, vae  # noqa: E402
from .train import predict  # noqa: E402


def shown(values, digits=4):
    """values (any shape) rounded to `digits` significant digits, as a figure draws them: the
    last digits that move with the BLAS kernel (1e-12 here) move no pixel of a PNG."""
    values = np.asarray(values, dtype=float)
    return np.array([float(f"{v:.{digits}g}") for v in values.ravel()]).reshape(values.shape)


def predictions_figure(table):
    """{name: figure}: the linear models' predictions of a symmetric 1D test signal."""
    entry = table["1D shifts"]
    group, (x1, g, x2) = entry.group, entry.test_pairs
    # the symmetric test signal that moves most: largest variance among stabilizer > 1
    sym = int(np.argmax(np.where(group.stabilizer_sizes(x1) > 1, x1.var(axis=1), -np.inf)))
    linear = [r for (kind, _), r in entry.models.items() if kind == "linear"]
    predicted = [shown(predict(r.model, r.params, r.op, x1[sym:sym + 1], g[sym:sym + 1])[0])
                 for r in linear]
    names = {"identity": "linear, no operator"}
    fig = plots.predictions(shown(x2[sym]), predicted,
                            [names.get(r.operator, f"linear + {r.operator}") for r in linear],
                            title=f"a symmetric signal (stabilizer of order "
                                  f"{len(group.stabilizer(x1[sym]))}) shifted by g={g[sym]}: "
                                  "predictions")
    return {"predictions_symmetric.png": fig}


def traversal_figures(table):
    """{name: figure}: latent traversals of the trained VAE and β-VAE on each data set."""
    figures = {}
    for name, entry in table.items():
        x1 = entry.test_pairs[0]
        for label, r in entry.vae.items():
            dims = vae.active_dims(r["model"], r["params"], x1, count=4 if x1.ndim == 2 else 3)
            fig = plots.traversal(r["model"], r["params"], x1[0], dims,
                                  steps=7 if x1.ndim == 2 else 5,
                                  title=f"{label} on {name}: decode(z + t e_d), most active d")
            slug = name.replace("°", "").replace("+", "_").replace(" ", "_").lower()
            figures[f"traversal_{label.replace('-', '')}_{slug}.png"] = fig
    return figures


def probe_figure(path=None, n=16, count=128, steps=600, seed=0):
    """The defect-probe figure of `python -m minidisent` (a few seconds): an MLP with the
    disentangled and one with the shift operator, trained with the consistency term for
    `steps` steps on defect.defect_data(n, count, seed), probed along probe_path.
    Saves a PNG to `path` if given. Returns (figure, probe_curves dict)."""
    group, train_pairs, X = defect.defect_data(n, count, seed)
    runs = {f"MLP + {op}": recipes.run("mlp", op, group, train_pairs,
                                       data.orbit_pairs(group, X[:8]), seed=seed,
                                       **{**defect.PROBE, "steps": steps})
            for op in ("disentangled", "shift")}
    curves = defect.probe_curves(runs, X, seed=seed)
    fig = plots.defect_probe(shown(curves["eps"]),
                             {k: shown(v) for k, v in curves["ratio"].items()},
                             {k: shown(v) for k, v in curves["radius"].items()},
                             {k: float(shown(v)) for k, v in curves["typical"].items()})
    fig.suptitle(f"defect probe on {group.name}: MLPs trained {steps} steps with consistency "
                 f"{defect.PROBE['consistency']:g}; h = shift by {curves['h']}", fontsize="small")
    fig.tight_layout()
    if path is not None:
        _writing.replace_together({path: png(fig)})
    return fig, curves


def defect_probe_figure(seed, quick=False):
    """{name: figure}: the defect probe of a disentangled and a shift-operator MLP near a
    symmetric signal (chapter 03 has the full-length version)."""
    fig, _ = probe_figure(seed=seed, steps=60 if quick else 600)
    return {"defect_probe.png": fig}


def png(fig):
    """A function writing fig as PNG to a binary file: 120 dpi, no "Software" text chunk (the
    bytes depend on the pixels alone, not on the matplotlib version that wrote them)."""
    return lambda f: fig.savefig(f, format="png", dpi=120, bbox_inches="tight",
                                 metadata={"Software": None})


def write_figures(figures, folder):
    """figures {file name: figure} written into folder as one set: each rendered to a temporary
    file there, then all replaced together (an interruption leaves the old set or the new
    one, never a mix, and no temporary file). Closes the figures. Returns the paths."""
    try:
        files = {os.path.join(folder, name): png(fig) for name, fig in figures.items()}
        return _writing.replace_together(files, "--figures")
    finally:
        for fig in figures.values():
            matplotlib.pyplot.close(fig)


def seed_argument(text):
    """argparse type of a seed: an integer from 0 to 2**32 - 1."""
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer seed, got {text!r}") from None
    if not 0 <= seed < 2 ** 32:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2**32 - 1, got {seed}")
    return seed


def _figure_folder(folder):
    """The figure folder, made if missing, checked writable before any training."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise SystemExit(f"--figures: cannot make the folder {folder!r}: "
                         f"{error.strerror}") from None
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise SystemExit(f"--figures: expected a writable folder, got {folder!r}")
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=seed_argument, default=0,
                        help="seed of data and training (default 0)")
    parser.add_argument("--full", action="store_true",
                        help="every data set (1D, 2D translations, 90° rotations, both) and "
                             "the real digits of chapter 10, not only 1D")
    parser.add_argument("--figures", help="folder for the PNGs (default figures/; with --quick "
                                           "none: a quick run's figures are not the committed "
                                           "ones)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: a tenth of the training steps (not the table's numbers)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    _writing.exit_on_sigterm()  # SIGTERM ends in SystemExit: no figure half written

    start = time.perf_counter()
    folder = args.figures if args.figures is not None or args.quick else "figures"
    folder = folder and _figure_folder(folder)
    names = tuple(results.DATASETS) if args.full else ("1D shifts",)
    progress = None if args.quiet else (
        lambda line: print(f"training {line} ...", file=sys.stderr, flush=True))
    table = results.results(names, seed=args.seed, progress=progress, quick=args.quick)
    print(results.results_markdown(table))
    if args.full:  # chapter 10's table: real digits under three exact groups
        if progress:
            progress("real digits: linear and MLP with each operator on three groups")
        steps = ({k: max(1, s // 10) for k, s in digits.STEPS.items()} if args.quick
                 else digits.STEPS)
        runs = digits.experiment(digits.load()[0], seed=args.seed, steps=steps)[1]
        print("\nReal digits (chapter 10): held-out relative error of x2 = g·x1\n")
        print(digits.results_table(runs))

    if not folder:
        print("\nno figures written (--quick without --figures); "
              f"total {time.perf_counter() - start:.1f} s")
        return
    figures = {**predictions_figure(table), **traversal_figures(table),
               **defect_probe_figure(args.seed, args.quick)}
    paths = write_figures(figures, folder)
    print(f"\nwrote {', '.join(os.path.relpath(p) for p in paths)}; "
          f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
