"""Closed forms (chapter 04): the best linear autoencoder for an operator, read off the
data's principal values inside each isotypic component, and the latent size a target needs.
"""
import numpy as np

from . import _checks, fourier, operators, representations

def _operator(group, latent_dim, operator):
    """An Operator for (group, latent_dim): the operator itself, or the name of one in
    operators.OPERATORS or "real_fourier"."""
    if isinstance(operator, str):
        return fourier.real_fourier(group, latent_dim) if operator == "real_fourier" else \
            operators.make(operator, group, latent_dim)
    _checks.operator("operator", operator)
    if operator.group is not group or operator.latent_dim != latent_dim:
        raise ValueError(f"operator: expected an operator of {group.name} on latent_dim {latent_dim}, "
                         f"got {operator!r}")
    return operator


def linear(group, X, latent_dim, operator):
    """The best linear autoencoder whose encoder intertwines the pixel representation and
    the operator (encode(g·x) = psi(g) encode(x)), for an abelian group.

    By Schur's lemma such an encoder maps the isotypic component f of the pixels (basis
    U_f, multiplicity m_f) into that of the latent (basis B_f, multiplicity l_f); the best
    choice keeps the top min(m_f, l_f) principal components of the data inside component f
    (z = B_f V_f^* U_f^* x), and the decoder maps them back. Every pair (x, g·x) is then
    predicted with x's reconstruction error, whatever g.
    X (B, *shape); operator: an Operator on (group, latent_dim) or one of "shift",
    "disentangled", "identity", "real_fourier" (real operators: models.linear is real).
    Returns (params, error): params {"encoder": (n, L), "decoder": (L, n)} for
    models.linear(group.shape, latent_dim), and the predicted relative prediction error
    (the discarded energy over the total energy of X). Averaged over all g, no linear model
    with this operator does better (see chapter 04)."""
    _checks.positive("latent_dim", latent_dim, integer=True)
    op = _operator(group, latent_dim, operator)
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1)
    if not np.any(flat):
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    psi = np.stack([op.matrix(g) for g in range(group.order)])  # (|G|, L, L)
    if np.iscomplexobj(psi):
        raise ValueError(f"operator: expected a real operator (models.linear is real), got {op.name}; "
                         "use shift or real_fourier and change basis with fourier.fourier_basis")
    pixel, latent, conj_of = representations.isotypic_bases(group), representations.isotypic_bases(group, psi), representations.dual(group)
    encoder = np.zeros((group.n_pixels, latent_dim), complex)
    decoder = np.zeros((latent_dim, group.n_pixels), complex)
    spectrum, vectors, kept = [None] * group.order, [None] * group.order, []
    for f in range(group.order):
        if conj_of[f] < f:  # the conjugate irrep: conjugate coefficients, conjugate PCA
            spectrum[f], vectors[f] = spectrum[conj_of[f]], np.conj(vectors[conj_of[f]])
        else:
            spectrum[f], vectors[f] = representations.component_pca(pixel[f], flat)
        k = min(pixel[f].shape[1], latent[f].shape[1])
        U, V, B = pixel[f], vectors[f][:, :k], latent[f][:, :k]
        encoder += np.conj(U) @ np.conj(V) @ B.T  # rows: z = x @ encoder = B V^* U^* x
        decoder += np.conj(B) @ V.T @ U.T          # rows: x̂ = z @ decoder = U V B^* z
        kept.append(k)
    return ({"encoder": encoder.real, "decoder": decoder.real},
            optimal_error(spectrum, kept))


def latent_blocks(group, X, target):
    """Smallest number of blocks d for which the shift operator on latent (|G|, d) reaches
    a relative error <= target in closed form: it keeps the top d principal components of
    X (B, *shape) in every isotypic component. Returns (d, error at d)."""
    _checks.nonnegative("target", target)
    spectrum = representations.spectrum(group, X)
    for d in range(1, max(len(s) for s in spectrum) + 1):
        error = optimal_error(spectrum, [d] * group.order)
        if error <= target:
            return d, error
    return max(len(s) for s in spectrum), 0.0


def optimal_error(spectrum, kept):
    """Relative error of keeping the top kept[f] principal components in each irrep f:
    the discarded energy over the total."""
    total = sum(float(np.sum(s)) for s in spectrum)
    if len(kept) != len(spectrum):
        raise ValueError(f"kept: expected {len(spectrum)} counts (one per irrep), got {len(kept)}")
    return sum(float(np.sum(s[int(k):])) for s, k in zip(spectrum, kept)) / total


def whitening(group, X, floor=1e-12):
    """A whitening filter that commutes with the group: W = C_G^{-1/2}, where
        C_G = 1/|G| sum_g rho(g) C rho(g)^T,     C = sum_x x x^T / B,
    is the data's second moment averaged over the group (the moment of its orbits). C_G
    commutes with every rho(g), hence so does W: W (g·x) = g·(W x), and the pairs
    (W x1, g, W x2) are pairs of the same task. Inside each isotypic component C_G is the
    data's own moment there (for an abelian group: P_f C P_f), so its eigenvalues are the
    closed form's per-component principal values (representations.spectrum, over B); W gives
    every one of them unit energy. Eigenvalues below floor x the largest are lifted to it.
    X (B, *shape) -> (W, W_inverse), both symmetric (n, n), n = group.n_pixels."""
    _checks.nonnegative("floor", floor)
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1)
    C = flat.T @ flat / len(flat)
    C_G = sum(C[np.ix_(p, p)] for p in group.perms) / group.order  # rho(g) C rho(g)^T = C[p][:, p]
    values, vectors = np.linalg.eigh((C_G + C_G.T) / 2)
    if values[-1] <= 0:
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    values = np.maximum(values, floor * values[-1])
    return (vectors / np.sqrt(values)) @ vectors.T, (vectors * np.sqrt(values)) @ vectors.T
