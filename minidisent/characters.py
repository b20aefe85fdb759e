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
"""
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
    in order (larger real parts first); columns by class as in conjugacy_classes."""
    _checks.group("group", group)
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
        values, vectors = np.linalg.eigh((H + H.conj().T) / 2)  # columns v = omega / sqrt|C|, unit norm
        if k == 1 or np.min(np.diff(values)) > 1e-6 * max(1.0, np.abs(values).max()):
            break
    # omega_t = v_t sqrt|C_t| / v_1 (omega_1 = 1), so d² = |G| / Σ_t |omega_t|²/|C_t| = |G| |v_1|²
    first = vectors[0]  # (irreps,)
    dims_real = np.sqrt(order) * np.abs(first)
    dims = np.rint(dims_real).astype(int)
    if not np.allclose(dims, dims_real, atol=1e-6) or dims.min() < 1:
        raise ValueError(f"group: the character table of {group.name} did not come out with integer "
                         f"dimensions ({np.round(dims_real, 4)}); please report this")
    chi = (dims / first)[:, None] * vectors.T / scale[None, :]  # chi(C_t) = d omega_t / |C_t|
    chi[:, 0] = dims  # exact at the identity
    key = [(d, tuple(np.round(-row.real, 8)), tuple(np.round(-row.imag, 8))) for d, row in zip(dims, chi)]
    rows = sorted(range(k), key=lambda i: key[i])
    return CharacterTable(classes, sizes, dims[rows], chi[rows])


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
