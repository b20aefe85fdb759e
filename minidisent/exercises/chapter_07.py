"""Checkers of chapter 7, two dimensions: the regular representation from the table, and the
number of orbits of the pixels."""
import numpy as np

from .. import groups, operators
from . import common


def check_7_1(regular_representation):
    """regular_representation(table) -> (|G|, |G|, |G|) permutation matrices of the shift."""
    for G in (groups.dihedral(4), groups.translations_rotations(3), groups.cyclic(6)):
        shift = operators.shift(G, G.order)
        expected = np.stack([shift.matrix(g) for g in range(G.order)])
        M = common.call("7.1", regular_representation, G.table)
        M = common.array("7.1", f"the matrices of {G.name}", M, shape=(G.order,) * 3)
        common.hint(np.all((M == 0) | (M == 1)) and np.all(M.sum(axis=1) == 1)
                    and np.all(M.sum(axis=2) == 1), f"Exercise 7.1: for {G.name} expected "
                    "permutation matrices (one 1 per row and column).")
        bad = [(g, h) for g in range(G.order) for h in range(G.order)
               if not np.array_equal(M[g] @ M[h], M[G.table[g, h]])]
        common.hint(not bad, f"Exercise 7.1: for {G.name}, M[g] @ M[h] != M[g∘h] at "
                    f"{len(bad)} pairs, e.g. {bad[0] if bad else ''}: send basis vector e_h to "
                    "e_(g∘h), not e_(h∘g) (§4: psi(g)z[h] = z[g⁻¹h]).")
        common.hint(np.array_equal(M, expected), f"Exercise 7.1: for {G.name} your matrices "
                    "are a representation but not the shift operator's: column h of M[g] must "
                    "be e_(table[g, h]).")
    common.passed("7.1", "permutation matrices, M[g]M[h] == M[g∘h], equal to operators.shift, "
                  "on D_4, p4, Z_6")


def check_7_2(pixel_orbit_count):
    """pixel_orbit_count(G) -> the number of orbits of the pixels under G."""
    for G in (groups.rotations(6), groups.dihedral(6), groups.rotations(5),
              groups.translations((4, 4)), groups.translations_rotations(4), groups.cyclic(10)):
        fixed = (G.perms == np.arange(G.n_pixels)).sum(axis=1)  # Burnside: mean fixed pixels
        count = common.call("7.2", pixel_orbit_count, G)
        count = common.number("7.2", "the count", count, whole=True)
        common.hint(count == fixed.sum() // G.order, f"Exercise 7.2: for {G.name} you counted "
                    f"{count} orbits: follow each pixel p to every perms[g][p] and count the "
                    "distinct sets (§5).")
    common.passed("7.2", "pixel orbit counts equal Burnside's mean number of fixed pixels, on 6 "
                  "groups")
