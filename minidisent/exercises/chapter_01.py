"""Checkers of chapter 1, groups acting on images: orbits and stabilizers, inverses from the
table, a signal with a given stabilizer."""
import numpy as np

from .. import groups
from . import common


def check_1_1(orbit_and_stabilizer):
    """orbit_and_stabilizer(G, x) -> (orbit size, stabilizer as sorted int array)."""
    rng = np.random.default_rng(11)
    plus = np.zeros((5, 5))
    plus[2, :] = plus[:, 2] = 1.0
    bar = np.zeros((4, 4))
    bar[1:3, :] = 1.0
    cases = [("a period-4 signal under Z_16", groups.cyclic(16), common.periodic(16, 4, rng)),
             ("a generic signal under Z_12", groups.cyclic(12), rng.normal(size=12)),
             ("a plus sign under the dihedral group", groups.dihedral(5), plus),
             ("a bar under translations + rotations of 4x4", groups.translations_rotations(4),
              bar)]
    for name, G, x in cases:
        fixing = set(G.stabilizer(x).tolist())  # expectations first, on the checker's own x
        images = G.orbit(x).reshape(G.order, -1)
        orbit_size = len(np.unique(images, axis=0))
        answer = common.call("1.1", orbit_and_stabilizer, G, x)
        size, stabilizer = common.parts("1.1", "a pair (orbit size, stabilizer)", answer, 2)
        size = common.number("1.1", "the orbit size", size, whole=True)
        stabilizer = common.elements("1.1", "stabilizer elements", stabilizer, G.order)
        moving = [int(g) for g in stabilizer if int(g) not in fixing]
        common.hint(not moving, f"Exercise 1.1: on {name}, your stabilizer holds elements "
                    f"that move x: {moving}. Compare the whole image g·x with x "
                    "(§1.1: (g·x).ravel() == x.ravel()[perms[g]]).")
        common.hint(len(stabilizer) == len(fixing), f"Exercise 1.1: on {name}, your "
                    "stabilizer misses elements that fix x: loop over every g in "
                    "range(G.order) (§1.4).")
        common.hint(size == orbit_size, f"Exercise 1.1: on {name}, orbit size {size} times "
                    "stabilizer size is not |G| (the orbit-stabilizer theorem, §1.4): count "
                    "distinct images g·x (np.unique(..., axis=0) on the flattened images), "
                    "not group elements.")
    common.passed("1.1", "orbit sizes and stabilizers by hand on 4 cases, "
                  "|orbit| * |stabilizer| == |G|")


def check_1_2(inverses):
    """inverses(table) -> int array inv with g∘inv[g] == e."""
    for G in (groups.cyclic(12), groups.dihedral(4), groups.translations_rotations(3)):
        answer = common.call("1.2", inverses, G.table)
        inv = common.array("1.2", f"the inverses of {G.name}", answer, shape=(G.order,),
                           whole=True)
        e = np.arange(G.n_pixels)
        for g in range(G.order):  # undo on the pixels: perms of g∘h is perms[h][perms[g]]
            h = int(inv[g])
            common.hint(0 <= h < G.order and np.array_equal(G.perms[h][G.perms[g]], e)
                        and np.array_equal(G.perms[g][G.perms[h]], e), f"Exercise 1.2: in "
                        f"{G.name}, your inverse of {g} is {h}, which does not undo it on the "
                        "pixels: the inverse is the column where row g of the table holds the "
                        "identity 0 (§1.2, §1.3).")
    common.passed("1.2", "g∘g⁻¹ == g⁻¹∘g == e on the pixels, for Z_12, D_4 and p4 on 3x3")


def check_1_3(signal_with_stabilizer):
    """signal_with_stabilizer(n, p, rng) -> a signal (n,) whose stabilizer in Z_n is p·Z_n."""
    rng = np.random.default_rng(13)
    for n, p in [(16, 4), (16, 8), (12, 3), (12, 6), (15, 5)]:
        answer = common.call("1.3", signal_with_stabilizer, n, p, rng)
        x = common.array("1.3", "the signal", answer, shape=(n,))
        fixed = [m for m in range(n) if np.array_equal(np.roll(x, m), x)]
        extra = [m for m in fixed if m % p]
        common.hint(not extra, f"Exercise 1.3: for n={n}, p={p} your signal is also fixed by "
                    f"the shifts {extra}, which are not multiples of p: its period is smaller "
                    "than p (§1.4, data.periodic_signals).")
        common.hint(len(fixed) == n // p, f"Exercise 1.3: for n={n}, p={p} your signal is not "
                    "fixed by every multiple of p: a shift by p must give back exactly the "
                    "same array (§1.4).")
    common.passed("1.3", "stabilizer == multiples of p, checked with np.roll, for 5 (n, p)")
