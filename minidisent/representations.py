"""Representation theory of the groups acting on images, computed in closed form.

For an abelian group G = Z_{n_1} x ... x Z_{n_k} (group.factors: cyclic, translations,
rotations) every irrep is one-dimensional, a character labelled by frequencies
f = (f_1, ..., f_k) in the same mixed radix as the elements:
    chi_f(g) = exp(2*pi*i * sum_i f_i m_i / n_i),      m = group.coordinates(g).
The isotypic component of f in a representation rho is the image of the projector
    P_f = 1/|G| sum_g conj(chi_f(g)) rho(g),
and the multiplicity of f is <chi_f, chi_rho> = 1/|G| sum_g conj(chi_f(g)) trace rho(g).
For the pixel representation (rho(g) x = g·x) trace rho(g) is the number of pixels g
fixes. Nothing here diagonalises a shift matrix: bases come from projectors applied to
pixels (one vector per pixel orbit) or, for small latent representations, to unit vectors.

Non-abelian groups (groups.generate, translations_rotations, dihedral): the pixel
character, and multiplicities / energies from the character table of characters.py (or
one the caller supplies: rows irreps, columns elements). Their projectors and bases are
out of scope here.
"""
import numpy as np

from . import _checks, _chunks, characters
from .groups import Group


def _group(group):
    if not isinstance(group, Group):
        raise TypeError("group: expected a groups.Group (e.g. groups.cyclic(16)), got "
                        f"{type(group).__name__}")
    return group


def _abelian(group, what):
    if _group(group).factors is None:
        why = "is not commutative" if not group.commutative else "has no cyclic factors"
        raise ValueError(f"group: {what} needs a product of cyclic groups (cyclic, translations, "
                         f"rotations); {group.name} {why}. Its irreps: "
                         "characters.character_table(group), which multiplicities and energies "
                         "use by default")
    return group.coordinates(np.arange(group.order))  # (|G|, k)


def abelian_characters(group):
    """chi (|G|, |G|) complex: chi[f, g] = chi_f(g), irreps f and elements g both indexed
    in the mixed radix of group.factors. Row 0 is the trivial irrep."""
    m = _abelian(group, "abelian_characters")
    n = np.array(group.factors)
    chi = np.empty((group.order, group.order), dtype=complex)
    for rows in _chunks.chunks(np.arange(group.order), group.order * len(n)):  # (rows, |G|, k)
        added = np.moveaxis((m[rows, None, :] + m[None, :, :]) % n, 2, 0)
        summed = np.ravel_multi_index(tuple(added), group.factors)
        if not np.array_equal(summed, group.table[rows]):  # g∘h must add the coordinates
            raise ValueError(f"group: its table does not add the coordinates of its factors "
                             f"{group.factors}")
        phase = ((m[rows, None, :] * m[None, :, :]) % n / n).sum(axis=2)  # (f, g), in turns
        chi[rows] = np.exp(2j * np.pi * phase)
    return chi


def dual(group):
    """int (|G|,): the index of the conjugate irrep -f (chi_{-f} = conj(chi_f))."""
    m = _abelian(group, "dual")
    return np.ravel_multi_index(tuple((-m % np.array(group.factors)).T), group.factors)


def pixel_character(group):
    """int (|G|,): trace of the pixel representation = number of pixels each g fixes."""
    _group(group)
    return np.sum(group.perms == np.arange(group.n_pixels), axis=1)


def pixel_matrices(group):
    """float (|G|, n, n): the pixel representation as dense matrices, rho(g) @ x.ravel() ==
    (g·x).ravel(). For checks on small images only (|G|·n² entries)."""
    n = _group(group).n_pixels
    rho = np.zeros((group.order, n, n))
    rho[np.arange(group.order)[:, None], np.arange(n), group.perms] = 1
    return rho


def operator_character(op):
    """float (|G|,): trace psi(g) of a latent operator (any op with .group and .matrix(g))."""
    if not (hasattr(op, "matrix") and isinstance(getattr(op, "group", None), Group)):
        raise TypeError("op: expected a latent operator such as operators.shift(G, L), got "
                        f"{type(op).__name__}")
    return np.array([np.trace(op.matrix(g)) for g in range(op.group.order)])


def _table(group, table):
    _group(group)
    if table is None:  # non-abelian groups: the table computed from group.table (Burnside)
        return abelian_characters(group) if group.factors is not None else \
            characters.by_element(characters.character_table(group))
    table = np.asarray(table, dtype=complex)
    if table.ndim != 2 or table.shape[1] != group.order:
        raise ValueError(f"table: expected characters (irreps, {group.order}) of {group.name}, "
                         f"got shape {table.shape}")
    gram = np.conj(table) @ table.T / group.order
    if not np.allclose(gram, np.eye(len(table)), atol=1e-8):
        raise ValueError("table: expected orthonormal irreducible characters "
                         "(1/|G| sum_g conj(chi_i(g)) chi_j(g) = delta_ij), they are not")
    return table


def multiplicities(group, character=None, table=None):
    """int (r,): how often each irrep occurs in a representation of `group` with the given
    character (|G|,) (default: the pixel representation). table (r, |G|) holds the irreducible
    characters; default abelian_characters(group) for abelian groups, else the rows of
    characters.character_table(group) (trivial first, then by dimension)."""
    table = _table(group, table)
    character = pixel_character(group) if character is None else np.asarray(character)
    if character.shape != (group.order,):
        raise ValueError(f"character: expected shape ({group.order},), got {character.shape}")
    m = np.conj(table) @ character / group.order
    counts = np.rint(m.real).astype(int)
    if not np.allclose(m, counts, atol=1e-8) or counts.min() < 0:
        raise ValueError("character: expected the character of a representation (non-negative "
                         f"integer multiplicities), got multiplicities {np.round(m, 3)}")
    if not np.isclose(counts @ table[:, 0].real, character[0].real):
        raise ValueError("table: incomplete, its irreps add up to dimension "
                         f"{counts @ table[:, 0].real:g} of the {character[0].real:g} of the "
                         "representation")
    return counts


def energies(group, X, table=None):
    """float (r,): energy of the data set X (B, *shape) in each irrep's isotypic component,
    sum_x ‖P_i x‖² = dim_i/|G| sum_g conj(chi_i(g)) a(g), with a(g) = sum_x <x, g·x> the data's
    autocorrelation over the group. The energies sum to sum_x ‖x‖² (Parseval)."""
    table = _table(group, table)
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1)
    a = np.array([np.sum(flat * flat[:, p]) for p in group.perms])  # (|G|,)
    if not np.allclose(table[:, 0] @ np.conj(table), group.order * np.eye(1, group.order)[0],
                       atol=1e-8):
        raise ValueError("table: incomplete, the energies would not add up (Parseval)")
    return table[:, 0].real * (np.conj(table) @ a).real / group.order


def isotypic_bases(group, matrices=None):
    """Orthonormal bases of the isotypic components: a list over irreps f of complex arrays
    (N, m_f), with bases[dual[f]] == conj(bases[f]) and real bases for self-dual f.
    matrices (|G|, N, N): an orthogonal representation (e.g. stacked op.matrix(g)); default the
    pixel representation, where P_f applied to one pixel per orbit gives the whole basis."""
    chi, conj_of = abelian_characters(group), dual(group)
    if matrices is None:
        columns = _pixel_columns(group, chi)
    else:
        M = np.asarray(matrices)
        if M.ndim != 3 or M.shape[0] != group.order or M.shape[1] != M.shape[2]:
            raise ValueError(f"matrices: expected ({group.order}, N, N), got shape {M.shape}")
        if not np.allclose(M @ np.conj(np.swapaxes(M, 1, 2)), np.eye(M.shape[1]), atol=1e-9):
            raise ValueError("matrices: expected orthogonal (unitary) matrices")
        columns = [np.tensordot(np.conj(c), M, axes=1) / group.order for c in chi]  # P_f (N, N)
    bases = [None] * group.order
    for f in range(group.order):
        if bases[f] is None:
            basis = _orthonormal_columns(columns[f], orthogonal=matrices is None)
            bases[f] = basis.real.astype(complex) if conj_of[f] == f else basis
            bases[conj_of[f]] = np.conj(bases[f]) if conj_of[f] != f else bases[f]
    return bases


def _pixel_columns(group, chi):
    """For each f, the vectors P_f e_p (n_pixels, orbits), p the first pixel of each orbit.
    rho(g) e_p = e_q with perms[g][q] = p; orbits have disjoint supports."""
    inverse = np.argsort(group.perms, axis=1)
    firsts = np.unique(group.perms.min(axis=0))  # one pixel per orbit
    out = np.zeros((group.order, group.n_pixels, len(firsts)), dtype=complex)
    for j, p in enumerate(firsts):
        np.add.at(out[:, :, j].T, inverse[:, p], np.conj(chi).T / group.order)
    return out


def _orthonormal_columns(A, orthogonal=False, tol=1e-8):
    """Gram–Schmidt (twice) on the columns of A (N, c), dropping those already spanned;
    if the columns are known to be orthogonal, only normalise the non-zero ones."""
    if orthogonal:
        norms = np.linalg.norm(A, axis=0)
        return A[:, norms > tol] / norms[norms > tol]
    kept = []
    for a in A.T:
        for _ in range(2):
            for q in kept:
                a = a - q * np.vdot(q, a)
        norm = np.linalg.norm(a)
        if norm > tol:
            kept.append(a / norm)
    return np.stack(kept, axis=1) if kept else np.zeros((A.shape[0], 0), complex)


def component_pca(basis, X):
    """PCA inside one isotypic component: basis (n, m) orthonormal, X (B, n) real ->
    (eigenvalues (m,) descending, eigenvectors (m, m) as columns) of the coefficients' second
    moment sum_x c c^*, c = basis^* x. The eigenvalues sum to sum_x ‖P x‖²."""
    if np.ndim(X) != 2 or np.ndim(basis) != 2 or X.shape[1] != basis.shape[0]:
        raise ValueError(f"X: expected (B, {np.shape(basis)[0]}) to match basis "
                         f"{np.shape(basis)}, got {np.shape(X)}")
    C = X @ np.conj(basis)  # (B, m), row b is c(x_b)^T
    K = C.T @ np.conj(C)  # sum_x c c^*  (m, m)
    values, vectors = np.linalg.eigh(K.real if np.all(K.imag == 0) else K)  # real for self-dual f
    return np.clip(values[::-1], 0, None), vectors[:, ::-1]


def spectrum(group, X):
    """PCA eigenvalues of X (B, *shape) inside each isotypic component: a list over irreps f
    of descending float arrays (m_f,). sum over f and j of spectrum[f][j] == sum_x ‖x‖².
    Small groups (|G| · n_pixels · orbits <= DIRECT) project on isotypic_bases; larger ones
    take the same numbers (to rounding) from component_moments, by FFT over the group."""
    X = _checks.images("X", X, _group(group).shape)
    flat = X.reshape(len(X), -1)
    if group.factors is not None and group.order * group.n_pixels * _orbits(group) > DIRECT:
        out = [None] * group.order
        for irreps, _, K in component_moments(group, flat):
            values = np.linalg.eigvalsh(K)[:, ::-1]  # (len(irreps), m) descending
            for f, v in zip(irreps, values):
                out[f] = np.clip(v, 0, None)
        return out
    return [component_pca(U, flat)[0] for U in isotypic_bases(group)]


def _orbits(group):
    return len(np.unique(group.perms.min(axis=0)))  # each pixel labelled by its orbit's smallest


DIRECT = 2 ** 22  # work |G|·n·orbits up to which spectrum projects on isotypic_bases
MAX_MOMENTS = 2 ** 26  # entries of the per-irrep moments component_moments may hold


def orbit_structure(group):
    """For an abelian group: the pixel orbits and where each pixel sits in its own.
    Returns (firsts int (orbits,), the smallest pixel p of each orbit; stabilizer int
    (orbits,), |G_p|; orbit_of int (n,); reached int (n,), an element g with g·e_q = e_p,
    i.e. perms[g, p] = q: pixel q is read from p by g)."""
    smallest = group.perms.min(axis=0)  # each pixel labelled by the smallest pixel of its orbit
    firsts, orbit_of = np.unique(smallest, return_inverse=True)
    stabilizer = np.sum(group.perms[:, firsts] == firsts, axis=0)
    reached = np.empty(group.n_pixels, dtype=np.intp)
    reached[group.perms[:, firsts]] = np.arange(group.order)[:, None]
    return firsts, stabilizer, orbit_of.ravel(), reached


def component_moments(group, flat):
    """The data's second moment inside every isotypic component of an abelian group, without
    a basis of pixels. For the orbit of pixel p (stabilizer G_p) the component f holds one
    unit vector u_(f,p) exactly when chi_f is trivial on G_p, and the coefficient of x on it
    is a Fourier transform over the group of the orbit signal g -> (g·x)[p]:
        c_(f,p)(x) = sum_g conj(chi_f(g)) x[perms[g, p]] / sqrt(|G_p| |G|)   (np.fft.fftn)
    (the same vector isotypic_bases builds as P_f e_p). flat (B, n) -> a list of
    (irreps int (r,), orbits int (m,), K complex (r, m, m)), one per set of orbits, with
    K[i] = sum_x c c^* over those orbits for irrep irreps[i]."""
    firsts, stabilizer, _, _ = orbit_structure(group)
    m = np.stack(np.unravel_index(np.arange(group.order), group.factors), axis=1)  # (|G|, k)
    n = np.array(group.factors)
    allowed = np.ones((group.order, len(firsts)), dtype=bool)  # chi_f trivial on G_p
    for j, p in enumerate(firsts):
        fixing = m[group.perms[:, p] == p]  # (|G_p|, k) the stabilizer's coordinates
        lcm = np.lcm.reduce(n)
        turns = (m[:, None, :] * fixing[None] * (lcm // n)).sum(axis=2) % lcm  # in 1/lcm turns
        allowed[:, j] = np.all(turns == 0, axis=1)
    patterns, which = np.unique(allowed, axis=0, return_inverse=True)
    which = which.ravel()
    sets = [(np.flatnonzero(which == i), np.flatnonzero(pattern))
            for i, pattern in enumerate(patterns)]
    size = sum(len(irreps) * len(orbits) ** 2 for irreps, orbits in sets)
    if size > MAX_MOMENTS:
        raise ValueError(f"group: expected per-irrep moments of at most {MAX_MOMENTS} entries "
                         f"(2**26), {group.name} on {group.n_pixels} pixels in {len(firsts)} "
                         f"orbits needs {size}")
    out = [(irreps, orbits, np.zeros((len(irreps), len(orbits), len(orbits)), complex))
           for irreps, orbits in sets]
    scale = 1 / np.sqrt(stabilizer * group.order)  # (orbits,)
    for rows in _chunks.chunks(flat, group.order * len(firsts)):
        signal = rows[:, group.perms[:, firsts]]  # (b, |G|, orbits): (g·x)[p]
        c = np.fft.fftn(signal.reshape((len(rows),) + group.factors + (len(firsts),)),
                        axes=tuple(range(1, len(n) + 1))).reshape(signal.shape) * scale
        for irreps, orbits, K in out:
            part = c[:, irreps][:, :, orbits]  # (b, r, m)
            K += np.einsum("bri,brj->rij", part, np.conj(part))
    return out


def pixel_orbits(group):
    """The number of orbits of the group on pixel positions. The pixel representation is
    a sum of one permutation representation per orbit, each contained once in the
    regular representation, so a shift-operator latent of |G| x pixel_orbits(group)
    dimensions can hold any image exactly and equivariantly."""
    return len({tuple(np.unique(column)) for column in group.perms.T})


def shift_latent_dim(group):
    """The smallest latent |G|·d on which the shift operator can hold every image exactly
    and equivariantly: the regular representation holds each irrep rho dim(rho) times, so d
    copies of it hold the pixel representation when d·dim(rho) >= m_rho for every rho, i.e.
    d = max_rho ceil(m_rho / dim rho) (never more than pixel_orbits(group): each pixel orbit
    is a permutation representation contained once in the regular one)."""
    m = multiplicities(group)
    dims = (np.ones(len(m), int) if group.factors is not None
            else characters.character_table(group).dims)
    return group.order * int(np.max(-(-m // dims)))
