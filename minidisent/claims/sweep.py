"""The claims sweep: every claim of minidisent.claims at every seed, as one table.

    python -m minidisent.claims [--seeds 0 1 2 3 4] [--quick] [--only NAME ...] [--plain]
                                [--json FILE] [--write] [--exactness]

re-runs every claim at every seed and prints one table (claim, bound, worst, median,
passes); it exits with status 1 when an "every seed" claim fails at some seed. --quick
runs only the claims marked cheap; --plain trains the linear shift models without
whitening (the recipe before closed_form.whitening), for comparison; --exactness prints the
plain / whitened table of linear + shift on the HARD data sets. --write stores the table in
the repository's README.md (between the markers BEGIN and END) and every value in
minidisent/claims_sweep.json (record.py; read by claims.stored(), chapters 8 and 9 show it):
only the full sweep (seeds 0-4, every claim), and only after the README, its markers and both
targets are checked, before anything is computed; both files are then replaced together
(_writing.replace_together), so an interruption leaves the old pair or the new one.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from .. import _files, _writing, claims
from .record import STORED, as_json

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(REPOSITORY, "README.md")
BEGIN, END = "<!-- claims sweep: begin -->", "<!-- claims sweep: end -->"
SEEDS = (0, 1, 2, 3, 4)  # the sweep the README and claims_sweep.json store


def readme_parts(readme=README):
    """(text before BEGIN, text from END on) of the README, or a ValueError naming it unless it
    is a regular file holding each marker once, BEGIN before END."""
    try:
        with _files.regular_file(readme) as f:
            text = f.read().decode("utf-8")
    except (OSError, ValueError) as error:
        raise ValueError(f"readme: expected the README.md to store the table in, got {error}") \
            from None
    counts = (text.count(BEGIN), text.count(END))
    if counts != (1, 1) or text.index(BEGIN) > text.index(END):
        order = ", END first" if counts == (1, 1) else ""
        raise ValueError(f"readme: expected the markers {BEGIN!r} then {END!r}, once each, in "
                         f"{readme}; got {counts[0]} and {counts[1]}{order}")
    return text[:text.index(BEGIN)], text[text.index(END):]


def write(measured, seeds, readme=README, stored=STORED):
    """Store a sweep: every value in `stored` (claims_sweep.json), the table in `readme` between
    the markers BEGIN and END (which must be there). Both texts are built first, then written
    to temporary files and replaced together."""
    head, tail = readme_parts(readme)
    text = head + BEGIN + "\n" + report(measured, seeds) + "\n" + tail
    _writing.replace_together({stored: as_json(measured, seeds), readme: text}, "--write")


def sweep(seeds=(0, 1, 2, 3, 4), names=None, progress=None):
    """{name: [Claim at each seed]} for the named claims (default all)."""
    out, trained = {}, {}  # trained: what the claims need (common.needs), once per seed
    for name in names or claims.CLAIMS:
        out[name] = []
        for seed in seeds:
            start = time.perf_counter()
            out[name].append(claims.common.measure(claims.CLAIMS[name][0], seed, trained))
            if progress:
                seconds = time.perf_counter() - start
                progress(f"{name} seed {seed}: {out[name][-1].value:.3g} ({seconds:.0f} s)")
    return out


def report(measured, seeds):
    """The sweep as a markdown table: claim, how the README states it, bound, worst,
    median, passes. "worst" is the value farthest on the wrong side of the bound."""
    lines = ["| claim | stated | bound | worst | median | "
             f"passes (seeds {seeds[0]}–{seeds[-1]}) |",
             "|---|---|---|---|---|---|"]
    for name, measures in measured.items():
        values = np.array([c.value for c in measures])
        bound = measures[0].bound
        worst = (values.max() if bound.startswith("<") else values.min() if bound.startswith(">")
                 else values[np.argmax(np.abs(values - 1))])
        lines.append(f"| `{name}` | {claims.CLAIMS[name][1]} | {bound} | {worst:.3g} | "
                     f"{np.median(values):.3g} | "
                     f"{sum(c.holds for c in measures)}/{len(measures)} |")
    return "\n".join(lines)


def failures(measured):
    """Names of the "every seed" claims that failed at some seed."""
    return [n for n, measures in measured.items()
            if claims.CLAIMS[n][1] == "every seed" and not all(c.holds for c in measures)]


def seeds_argument(text):
    """argparse type of one --seeds word: seeds 0 to 2**32 - 1, one or several ("11,12,13")."""
    seeds = []
    for word in text.split(","):
        try:
            seeds.append(int(word))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected integer seeds (e.g. 0 1 2 or 11,12), got {text!r}") from None
        if not 0 <= seeds[-1] < 2 ** 32:
            raise argparse.ArgumentTypeError(f"expected seeds from 0 to 2**32 - 1, got {seeds[-1]}")
    return seeds


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent.claims",
                                     description=claims.__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=seeds_argument, nargs="+", default=[list(SEEDS)],
                        help="seeds to run each claim at, space- or comma-separated "
                             "(default 0 1 2 3 4)")
    parser.add_argument("--quick", action="store_true", help="only the cheap claims")
    parser.add_argument("--plain", action="store_true",
                        help="linear shift recipes without whitening")
    parser.add_argument("--json", help="also write every measured value to this file")
    parser.add_argument("--only", nargs="+", choices=list(claims.CLAIMS), metavar="NAME",
                        help="only these claims (names as in claims.CLAIMS)")
    parser.add_argument("--write", action="store_true",
                        help="store the table in README.md and the values in "
                             "minidisent/claims_sweep.json (the full sweep only: seeds 0-4, "
                             "every claim)")
    parser.add_argument("--exactness", action="store_true",
                        help="print linear + shift errors, plain and whitened, on the hard data "
                             "sets instead")
    args = parser.parse_args(argv)
    seeds = [s for group in args.seeds for s in group]
    if len(set(seeds)) < len(seeds):
        parser.error(f"--seeds: expected different seeds, got {seeds}")
    if args.write and (args.quick or args.only or args.plain or args.exactness):
        parser.error("--write stores the whole sweep: it cannot be combined with --quick, --only, "
                     "--plain or --exactness")
    if args.write and tuple(seeds) != SEEDS:
        parser.error(f"--write stores the sweep at seeds {' '.join(map(str, SEEDS))} (chapters 8 "
                     f"and 9 and the README read it), got --seeds {' '.join(map(str, seeds))}")
    try:  # every target checked before hours of training
        if args.write:
            readme_parts(README)
            _writing.writable_target(README, "--write")
            _writing.writable_target(STORED, "--write")
        if args.json:
            _writing.writable_target(args.json, "--json")
    except (OSError, ValueError) as error:
        parser.error(str(error))
    _writing.exit_on_sigterm()  # SIGTERM ends in SystemExit: no temporary file is left
    claims.common.PLAIN = args.plain
    if args.exactness:
        print(claims.exactness(tuple(seeds)))
        return 0
    names = [n for n, (_, _, cost) in claims.CLAIMS.items() if (cost == "cheap" or not args.quick)
             and (not args.only or n in args.only)]
    start = time.perf_counter()
    measured = sweep(seeds, names, progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(report(measured, seeds))
    print(f"\n{time.perf_counter() - start:.0f} s")
    if args.json:
        values = {n: [c._asdict() for c in cs] for n, cs in measured.items()}
        _writing.replace_together({args.json: json.dumps(values, indent=1)}, "--json")
    if args.write:
        write(measured, seeds, readme=README, stored=STORED)
    failed = failures(measured)
    if failed:
        print("failed at some seed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0
