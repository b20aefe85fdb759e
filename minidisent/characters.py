"""Character tables of any finite group, computed from its multiplication table alone.

Burnside's method (as refined by Dixon). Let C_1, ..., C_k be the conjugacy classes
(C_1 = {e}) and c_rst the class multiplication coefficients: for a fixed z in C_t,
    c_rst = #{x in C_r : x⁻¹∘z in C_s}      (the class sums multiply as C_r C_s = Σ_t c_rst C_t).
For an irrep chi of dimension d the central character omega_t = |C_t| chi(C_t) / d turns
this into an eigenvalue problem shared by every r:
    Σ_t c_rst omega_t = omega_r omega_s,
so the matrices M_r[s, t] = c_rst commute and omega is a common eigenvector, normalised
by omega_1 = 1. Column orthogonality (Σ_t |C_t| chi_i(C_t) conj chi_j(C_t) = |G| δ_ij)
says the vectors omega / sqrt|C| are orthogonal: in that basis every M_r is normal and
M_{r*} (r* the class of the inverses) is its adjoint. So the Hermitian matrix
    H = Σ_r a_r (M_r + M_r*) + i b_r (M_r - M_r*)        (random real a, b)
has the irreps as its eigenvectors v = omega / sqrt|C| (eigh: orthonormal, accurate), its
eigenvalues separating them with probability 1 (H is built without the k³ coefficients).
With ‖v‖ = 1 and omega_1 = 1, the dimension follows from Σ_g |chi(g)|² = |G|:
    d² = |G| / Σ_t |omega_t|² / |C_t| = |G| |v_1|²,        chi(C_t) = d omega_t / |C_t|.

A product of cyclic groups (group.factors = (n_1, ..., n_k)) needs none of this: every
class is one element, every irrep one-dimensional, and its characters are products of roots
of unity, chi_f(g) = exp(2πi Σ_i f_i m_i / n_i) (m = the coordinates of g, f those of the
irrep), so the table is written down (cyclic(4096) in about a second, where eigh would take
minutes), in the same row order.

generator_words, last, writes each element as a shortest word in a few generators: the
composition law from which the post-hoc test (posthoc.composed) and the learned operators
rebuild every element's map from the generators' maps alone.
"""
import math
from collections import namedtuple

import numpy as np

from . import _checks

CharacterTable = namedtuple("CharacterTable", "classes sizes dims table")
CharacterTable.__doc__ = """Irreducible characters of a finite group, one column per class.
classes  list of int arrays, the elements of each conjugacy class (class 0 = {0}, the
         rest ordered by their smallest element)
sizes    int (k,), the class sizes
dims     int (k,), the dimension of each irrep (trivial first, then by dimension)
table    complex (k, k), table[i, t] = chi_i(g) for every g in classes[t]"""


def conjugacy_classes(group):
    """The conjugacy classes {h∘g∘h⁻¹ : h in G} of `group`: a list of sorted int arrays,
    class 0 the identity alone, then by smallest element; and class_of int (|G|,)."""
    _checks.group("group", group)
    table, inverse = group.table, group.inverse
    conjugates = table[table, inverse[:, None]]  # [h, g] = h∘g∘h⁻¹  (|G|, |G|)
    representative = conjugates.min(axis=0)  # each g labelled by the smallest element of its class
    firsts, class_of = np.unique(representative, return_inverse=True)
    classes = [np.flatnonzero(class_of == c) for c in range(len(firsts))]
    return classes, class_of


def class_sums(group, classes, class_of, weights):
    """Σ_r weights[r] M_r (k, k) complex, M_r[s, t] = c_rst = #{x in C_r : x⁻¹∘z in C_s} for z the
    first element of C_t: the class sum C_r acting on the centre, combined without storing
    the k³ coefficients. weights (k,); a unit vector e_r gives M_r itself."""
    k = len(classes)
    w = np.asarray(weights, dtype=complex)[class_of]  # weight of each x, by its class  (|G|,)
    out = np.zeros((k, k), dtype=complex)
    for t, members in enumerate(classes):
        s = class_of[group.table[group.inverse, members[0]]]  # class of x⁻¹∘z for every x  (|G|,)
        out[:, t] = np.bincount(s, w.real, minlength=k) + 1j * np.bincount(s, w.imag, minlength=k)
    return out


def character_table(group, seed=0):
    """The character table of any finite `group` (a groups.Group) -> CharacterTable.
    Irreps ordered trivial first, then by dimension, then by their characters on the classes
    in order (larger real parts first, then larger imaginary parts); columns by class as in
    conjugacy_classes. seed (an int >= 0) draws the combination of class sums whose
    eigenvectors are the irreps; a product of cyclic groups is written down instead."""
    _checks.group("group", group)
    _checks.seed("seed", seed)
    if getattr(group, "factors", None) is not None:
        return abelian_table(group)
    classes, class_of = conjugacy_classes(group)
    sizes = np.array([len(c) for c in classes])
    k, order = len(classes), group.order
    star = class_of[group.inverse[[members[0] for members in classes]]]  # r -> r*  (k,)
    scale = np.sqrt(sizes)
    for attempt in range(5):  # a retry only if two eigenvalues of H nearly coincide
        a, b = np.random.default_rng(seed + attempt).normal(size=(2, k))
        # Σ_r a_r (M_r + M_r*) + i b_r (M_r − M_r*) = Σ_q alpha_q M_q, then D^-1/2 · D^1/2
        alpha = a + 1j * b + a[star] - 1j * b[star]
        H = class_sums(group, classes, class_of, alpha) * scale[None, :] / scale[:, None]
        # columns v = omega / sqrt|C|, of unit norm
        values, vectors = np.linalg.eigh((H + H.conj().T) / 2)
        if k == 1 or np.min(np.diff(values)) > 1e-6 * max(1.0, np.abs(values).max()):
            break
    # omega_t = v_t sqrt|C_t| / v_1 (omega_1 = 1), so d² = |G| / Σ_t |omega_t|²/|C_t| = |G| |v_1|²
    first = vectors[0]  # (irreps,)
    dims_real = np.sqrt(order) * np.abs(first)
    dims = np.rint(dims_real).astype(int)
    if not np.allclose(dims, dims_real, atol=1e-6) or dims.min() < 1:
        raise ValueError(f"group: the character table of {group.name} did not come out with "
                         f"integer dimensions ({np.round(dims_real, 4)}); please report this")
    chi = (dims / first)[:, None] * vectors.T / scale[None, :]  # chi(C_t) = d omega_t / |C_t|
    chi[:, 0] = dims  # exact at the identity
    key = [(d, tuple(np.round(-row.real, 8)), tuple(np.round(-row.imag, 8)))
           for d, row in zip(dims, chi)]
    rows = sorted(range(k), key=lambda i: key[i])
    return CharacterTable(classes, sizes, dims[rows], chi[rows])


def abelian_table(group):
    """The CharacterTable of a product of cyclic groups (group.factors), in closed form:
    classes [{0}, {1}, ...], chi_f(g) = w^(Σ_i f_i m_i N / n_i) with w = exp(2πi / N), N the
    least common multiple of the factors. Rows in character_table's order, found column by
    column (a row's rank among those equal so far, refined until every row is told apart):
    the real parts tell apart all but conjugate pairs, the imaginary parts those."""
    n = np.array(group.factors, dtype=np.int32)  # int32: Σ_i f_i m_i N/n_i < k |G|² < 2**31
    order, lcm = group.order, np.int32(math.lcm(*group.factors))
    m = np.stack(np.unravel_index(np.arange(order), group.factors), axis=1).astype(np.int32)
    weighted = m * (lcm // n)  # chi_f(g) = w^(Σ_i weighted[f, i] m[g, i] mod N)
    half = np.exp(2j * np.pi * np.arange(lcm // 2 + 1) / lcm)
    roots = np.concatenate([half, np.conj(half[1:(lcm + 1) // 2][::-1])])  # w^(N-j) = conj w^j
    pairs = int(np.sum(np.ravel_multi_index(tuple((-m % n).T), group.factors) >= np.arange(order)))
    rank = np.zeros(order, dtype=np.int64)  # rows with equal rank agree on the columns seen so far
    for part, distinct in ((np.real, pairs), (np.imag, order)):
        for g in range(order):
            if rank.max() + 1 >= distinct:
                break
            column = part(roots[(weighted * m[g]).sum(axis=1) % lcm])
            value = np.rint(-1e8 * column).astype(np.int64)
            key = rank * 2 ** 28 + value + 10 ** 8  # (rank, column g rounded to 1e-8, larger first)
            by = np.argsort(key)
            rank[by] = np.concatenate([[0], np.cumsum(key[by][1:] != key[by][:-1])])
    rows = np.argsort(rank)  # (|G|,) the irreps f in table order
    table = np.empty((order, order), dtype=complex)
    step = max(1, 2 ** 20 // order)
    for i in range(0, order, step):  # (step, |G|) exponents at a time, not |G|² at once
        exponent = sum(np.multiply.outer(weighted[rows[i:i + step], j], m[:, j])
                       for j in range(len(n)))
        table[i:i + step] = roots[exponent % lcm]
    ones = np.ones(order, dtype=int)
    return CharacterTable([np.array([g]) for g in range(order)], ones, ones.copy(), table)


def by_element(characters):
    """A CharacterTable -> complex (irreps, |G|): chi_i(g) for every element g, the form
    representations.multiplicities and representations.energies take as `table`."""
    class_of = np.empty(int(np.sum(characters.sizes)), dtype=np.intp)
    for t, members in enumerate(characters.classes):
        class_of[members] = t
    return characters.table[:, class_of]


def orthogonality_residuals(characters):
    """(rows, columns): the largest deviation from row orthogonality
    1/|G| Σ_t |C_t| chi_i(C_t) conj chi_j(C_t) = δ_ij and from column orthogonality
    Σ_i chi_i(C_s) conj chi_i(C_t) = δ_st |G| / |C_s|."""
    chi, sizes = characters.table, characters.sizes
    order = sizes.sum()
    rows = (chi * sizes) @ chi.conj().T / order - np.eye(len(chi))
    columns = chi.T @ chi.conj() - np.diag(order / sizes)
    return float(np.abs(rows).max()), float(np.abs(columns).max())


def generator_words(group):
    """For each element, a shortest word in a generating set: (generators, words) with
    words[g] a list of generators whose product (left to right, g = w[0]∘w[1]∘...) is g.
    The generators are the unit steps of each cyclic factor, else the first elements (in
    index order) needed to generate the group."""
    if group.factors is not None:
        k = len(group.factors)
        candidates = [int(np.ravel_multi_index(tuple(np.eye(k, dtype=int)[i]), group.factors))
                      for i in range(k)]
    else:
        candidates = list(range(1, group.order))
    generators, words = [], {0: []}
    for c in candidates:
        if len(words) == group.order:
            break
        if c in words:
            continue
        generators.append(c)
        words, frontier = {0: []}, [0]
        while frontier:  # breadth-first: shortest words first
            new = []
            for h in frontier:
                for s in generators:
                    gh = int(group.table[s, h])
                    if gh not in words:
                        words[gh] = [s] + words[h]
                        new.append(gh)
            frontier = new
    return generators, [words[g] for g in range(group.order)]
