"""Checkers of chapter 11, learning the operator: the irreps in an operator from its
character (11.1 takes the values computed in the chapter), and the conjugacy classes of a
group from its table."""
import numpy as np

from .. import groups
from . import common


def check_11_1(matrices, multiplicities):
    """multiplicities (n,): of each irrep of Z_n in an operator given by its matrices (n, L, L)
    (exact or learned), as computed from its character."""
    M = common.array("11.1", "the matrices", matrices, ndim=3, any_float=True)
    common.hint(M.shape[1] == M.shape[2] and len(M) > 1, "Exercise 11.1: expected the matrices "
                f"psi(g) as an array (n, L, L), got shape {M.shape}")
    counted = common.eigen_multiplicities(M[1], len(M))
    common.hint(counted is not None, "Exercise 11.1: psi(1): expected eigenvalues at n-th roots "
                "of unity (a representation of Z_n); got eigenvalues far from them")
    m = common.array("11.1", "the multiplicities", multiplicities, shape=(len(M),), whole=True)
    common.hint(np.sum(m) == M.shape[1], "Exercise 11.1: the multiplicities must add up to the "
                "latent dimension: chi(e) = tr psi(e) = L (§3, chapter 4 §4).")
    common.hint(np.array_equal(m, counted), "Exercise 11.1: your multiplicities disagree with "
                "the eigenvalues of psi(1): m_f = (1/|G|) sum_g conj(chi_f(g)) tr psi(g) (§3).")
    common.passed("11.1", "multiplicities from the character equal the eigenvalue counts of psi(1)")


def check_11_2(class_count):
    """class_count(table) -> int: the number of conjugacy classes of the group whose
    multiplication table (|G|, |G|) is given (table[g, h] = g∘h, 0 the identity)."""
    cases = [("Z_6", groups.cyclic(6)),
             ("S_3 (every permutation of 3 pixels)", groups.generate((3,), [[1, 2, 0], [1, 0, 2]])),
             ("D_4 (the symmetries of a square, on 3x3 images)", groups.dihedral(3)),
             ("p4 (translations and quarter turns of the 3x3 torus)",
              groups.translations_rotations(3))]
    for name, G in cases:
        commuting = np.sum(G.table == G.table.T)  # pairs (g, h) with gh = hg: |G| x #classes
        got = common.call("11.2", class_count, G.table)
        got = common.number("11.2", "the class count", got, whole=True)
        common.hint(got * G.order == commuting, f"Exercise 11.2: for {name}, of order "
                    f"{G.order}, you counted {common.plural(got, 'class', 'classes')}, not the "
                    "number of conjugacy classes (§1): a class is {x g x⁻¹ : x in G}; build "
                    "the inverse of every element from the table, and count distinct classes, "
                    "not elements.")
    common.passed("11.2", "the class count equals (number of commuting pairs) / |G| on four groups")
