"""Checkers of chapter 8, weak supervision: the automorphisms of Z_n, the relabelling an
exact model reports, and the strict accuracy a coset-correct guess can expect."""
import numpy as np

from .. import groups
from . import common


def check_8_1(cyclic_automorphisms):
    """cyclic_automorphisms(n) -> sorted multipliers a of the automorphisms g -> a·g of Z_n."""
    for n in (12, 16, 7, 9):
        table, elements = groups.cyclic(n).table, np.arange(n)
        truth = [b for b in range(n)  # bijective maps that respect the table
                 if len(set(b * elements % n)) == n
                 and np.array_equal((b * table) % n, ((b * elements)[:, None] + b * elements) % n)]
        a = common.call("8.1", cyclic_automorphisms, n)
        a = common.elements("8.1", "multipliers", a, n, group=f"Z_{n}")
        wrong = [int(b) for b in a if b not in truth]
        common.hint(not wrong, f"Exercise 8.1: for n={n}, g -> a·g is not an automorphism for "
                    f"a = {wrong[0] if wrong else ''}"
                    f"{' (nor for some others of yours)' if len(wrong) > 1 else ''}: it must be "
                    "a bijection of Z_n (§2b).")
        common.hint(len(a) == len(truth), f"Exercise 8.1: for n={n} some automorphisms are "
                    "missing: try every a in range(n) (§2b).")
    common.passed("8.1", "the automorphisms of Z_12, Z_16, Z_7, Z_9, checked against the table")


def check_8_2(reported_multiplier):
    """reported_multiplier(c, n) -> the a for which an exact model with encoder z[j] = x[c·j mod n]
    and the shift operator infers a·g for the pair (x, g·x)."""
    rng = np.random.default_rng(82)
    for c, n in [(11, 16), (5, 12), (7, 12), (3, 16), (2, 5)]:
        x = rng.normal(size=n)
        code = (c * np.arange(n)) % n  # z = x[code]
        inferred = [int(np.argmin([np.sum((np.roll(x[code], k) - np.roll(x, g)[code]) ** 2)
                                   for k in range(n)])) for g in range(n)]
        # inference: the candidate g' whose shift carries code(x) onto code(g·x)
        a = common.call("8.2", reported_multiplier, c, n)
        a = common.number("8.2", "the multiplier", a, whole=True)
        common.hint(inferred == [(a * g) % n for g in range(n)], f"Exercise 8.2: for c={c}, "
                    f"n={n} the model does not infer {a}·g: z[c·m] = x[m], so a shift of x by "
                    "g moves the code by the g' with c·g' = g mod n (§2b, the 11 of the "
                    "chapter).")
    common.passed("8.2", "the inferred labels are a·g with your a, on 5 (c, n)")


def check_8_3(expected_strict_accuracy):
    """expected_strict_accuracy(X1) -> mean over x1 in X1 (B, n) of the chance that a coset-correct
    guess, uniform in the coset, is the given g (Z_n acting by rolls)."""
    rng = np.random.default_rng(83)
    for n, periods in [(16, (16, 2, 4, 8)), (12, (12, 12, 3, 6, 4)), (16, (16,))]:
        X1 = np.stack([common.periodic(n, p, rng) for p in periods])
        orbit_sizes = [len(np.unique(common.rolls(x), axis=0)) for x in X1]  # |G| / |H|
        value = common.call("8.3", expected_strict_accuracy, X1)
        value = common.number("8.3", "the accuracy", value)
        common.hint(common.close(value, np.mean(orbit_sizes) / n, 1e-9), f"Exercise 8.3: on "
                    f"{len(X1)} signals of {n} pixels your value {value:.4g} is not the mean "
                    "chance: a coset of x1's stabilizer H has |H| elements (§2a, §4).")
    common.passed("8.3", "expected strict accuracy == mean |orbit| / |G| (orbit-stabilizer), on 3 "
                  "sets")
