"""python -m minidisent: the headline experiment.

Linear and MLP autoencoders x {shift, disentangled, identity} operators on 1D cyclic
shifts of generic and symmetric (periodic) signals; prints the table of held-out errors
and writes the figures to figures/.
"""
import argparse
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")  # files only, no window

from . import experiments, plots  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of data and training (default 0)")
    parser.add_argument("--n", type=int, default=16, help="pixels on the ring, |Z_n| (default 16)")
    parser.add_argument("--figures", default="figures", help="folder for the PNGs (default figures/)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    group, train_pairs, test_pairs = experiments.signals_1d(args.n, seed=args.seed)
    print(f"Z_{args.n}: {len(train_pairs[0])} training pairs, {len(test_pairs[0])} held-out pairs "
          "(half generic, half periodic signals); relative errors on the held-out pairs\n")
    results = []
    for kind in ("linear", "mlp"):
        for operator in ("shift", "disentangled", "identity"):
            if not args.quiet:
                print(f"training {kind} + {operator} ...", file=sys.stderr, flush=True)
            results.append(experiments.run(kind, operator, group, train_pairs, test_pairs,
                                           seed=args.seed))
    print(experiments.table(results))

    os.makedirs(args.figures, exist_ok=True)
    x1, g, x2 = test_pairs
    sym = int(group.stabilizer_sizes(x1).argmax())
    linear = [r for r in results if r["kind"] == "linear"]
    predicted = [experiments.train.predict(r["model"], r["params"], r["op"], x1[sym:sym + 1], g[sym:sym + 1])[0]
                 for r in linear]
    fig = plots.predictions(x2[sym], predicted, [f"linear + {r['operator']}" for r in linear],
                            title=f"a symmetric signal shifted by g={g[sym]}: predictions")
    path = os.path.join(args.figures, "predictions_symmetric.png")
    fig.savefig(path, dpi=120, bbox_inches="tight")
    print(f"\nwrote {path}; total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
