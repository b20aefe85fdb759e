"""The claims sweep: every claim of minidisent.claims at every seed, as one table.

    python -m minidisent.claims [--seeds 0 1 2 3 4] [--quick] [--only NAME ...] [--plain]
                                [--json FILE] [--write] [--exactness]

re-runs every claim at every seed and prints one table (claim, bound, worst, median,
passes); it exits with status 1 when an "every seed" claim fails at some seed. --quick
runs only the claims marked cheap; --plain trains the linear shift models without
whitening (the recipe before closed_form.whitening), for comparison; --write stores the
table in README.md and every value in claims_sweep.json (read by stored(); chapter 8 shows it); --exactness
prints the plain / whitened table of linear + shift on the HARD data sets.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from . import claims

STORED = os.path.join(os.path.dirname(__file__), "claims_sweep.json")
BEGIN, END = "<!-- claims sweep: begin -->", "<!-- claims sweep: end -->"


def stored():
    """The last full sweep (python -m minidisent.claims --write): (seeds, {name: [Claim]})."""
    with open(STORED) as f:
        saved = json.load(f)
    return saved["seeds"], {n: [claims.Claim(**c) for c in cs] for n, cs in saved["claims"].items()}


def write(measured, seeds, readme="README.md"):
    """Store a sweep: every value in claims_sweep.json, the table in `readme` between the
    markers BEGIN and END (which must be there)."""
    with open(STORED, "w") as f:
        json.dump({"seeds": list(seeds), "claims": {n: [c._asdict() for c in cs] for n, cs in measured.items()}},
                  f, indent=1)
        f.write("\n")
    with open(readme) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise ValueError(f"readme: expected the markers {BEGIN!r} and {END!r} in {readme}")
    head, rest = text.split(BEGIN)
    with open(readme, "w") as f:
        f.write(head + BEGIN + "\n" + report(measured, seeds) + "\n" + END + rest.split(END)[1])


def sweep(seeds=(0, 1, 2, 3, 4), names=None, progress=None):
    """{name: [Claim at each seed]} for the named claims (default all)."""
    out, trained = {}, {}  # trained: what the claims need (common.needs), once per seed
    for name in names or claims.CLAIMS:
        out[name] = []
        for seed in seeds:
            start = time.perf_counter()
            out[name].append(claims.common.measure(claims.CLAIMS[name][0], seed, trained))
            if progress:
                progress(f"{name} seed {seed}: {out[name][-1].value:.3g} ({time.perf_counter() - start:.0f} s)")
    return out


def report(measured, seeds):
    """The sweep as a markdown table: claim, how the README states it, bound, worst,
    median, passes. "worst" is the value farthest on the wrong side of the bound."""
    lines = [f"| claim | stated | bound | worst | median | passes (seeds {seeds[0]}–{seeds[-1]}) |",
             "|---|---|---|---|---|---|"]
    for name, measures in measured.items():
        values = np.array([c.value for c in measures])
        bound = measures[0].bound
        worst = (values.max() if bound.startswith("<") else values.min() if bound.startswith(">")
                 else values[np.argmax(np.abs(values - 1))])
        lines.append(f"| `{name}` | {claims.CLAIMS[name][1]} | {bound} | {worst:.3g} | {np.median(values):.3g} | "
                     f"{sum(c.holds for c in measures)}/{len(measures)} |")
    return "\n".join(lines)


def failures(measured):
    """Names of the "every seed" claims that failed at some seed."""
    return [n for n, measures in measured.items()
            if claims.CLAIMS[n][1] == "every seed" and not all(c.holds for c in measures)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent.claims", description=claims.__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--quick", action="store_true", help="only the cheap claims")
    parser.add_argument("--plain", action="store_true", help="linear shift recipes without whitening")
    parser.add_argument("--json", help="also write every measured value to this file")
    parser.add_argument("--only", nargs="+", choices=list(claims.CLAIMS), metavar="NAME",
                        help="only these claims (names as in claims.CLAIMS)")
    parser.add_argument("--write", action="store_true",
                        help="store the table in README.md and the values in minidisent/claims_sweep.json")
    parser.add_argument("--exactness", action="store_true",
                        help="print linear + shift errors, plain and whitened, on the hard data sets instead")
    args = parser.parse_args(argv)
    if args.write and (args.quick or args.only or args.plain):
        parser.error("--write stores the whole sweep: it cannot be combined with --quick, --only or --plain")
    claims.common.PLAIN = args.plain
    if args.exactness:
        print(claims.exactness(tuple(args.seeds)))
        return 0
    names = [n for n, (_, _, cost) in claims.CLAIMS.items() if (cost == "cheap" or not args.quick)
             and (not args.only or n in args.only)]
    start = time.perf_counter()
    measured = sweep(args.seeds, names, progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(report(measured, args.seeds))
    print(f"\n{time.perf_counter() - start:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({n: [c._asdict() for c in cs] for n, cs in measured.items()}, f, indent=1)
    if args.write:
        write(measured, args.seeds)
    failed = failures(measured)
    if failed:
        print("failed at some seed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0
