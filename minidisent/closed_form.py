"""Closed forms (chapter 04): the best linear autoencoder for an operator, read off the
data's principal values inside each isotypic component, and the latent size a target needs.
"""
import numpy as np

from . import _checks, _chunks, fourier, operators, representations

def _operator(group, latent_dim, operator):
    """An Operator for (group, latent_dim): the operator itself, or the name of one in
    operators.OPERATORS or "real_fourier"."""
    if isinstance(operator, str):
        return fourier.real_fourier(group, latent_dim) if operator == "real_fourier" else \
            operators.make(operator, group, latent_dim)
    _checks.operator("operator", operator)
    if operator.group is not group or operator.latent_dim != latent_dim:
        raise ValueError(f"operator: expected an operator of {group.name} on latent_dim "
                         f"{latent_dim}, got {operator!r}")
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
        raise ValueError("operator: expected a real operator (models.linear is real), got "
                         f"{op.name}; use shift or real_fourier and change basis with "
                         "fourier.fourier_basis")
    pixel = representations.isotypic_bases(group)
    latent = representations.isotypic_bases(group, psi)
    conj_of = representations.dual(group)
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


MAX_WHITENED = 4096  # pixels: W and W_inverse are dense (n, n)
MAX_DIRECT = 2 ** 30  # |G|·n² entries the direct sum over the group may gather
DIRECT = 2 ** 24  # |G|·n² up to which a product of cyclic groups is whitened by the direct sum too


def whitening(group, X, floor=1e-12):
    """A whitening filter that commutes with the group: W = C_G^{-1/2}, where
        C_G = 1/|G| sum_g rho(g) C rho(g)^T,     C = sum_x x x^T / B,
    is the data's second moment averaged over the group (the moment of its orbits). C_G
    commutes with every rho(g), hence so does W: W (g·x) = g·(W x), and the pairs
    (W x1, g, W x2) are pairs of the same task. Inside each isotypic component C_G is the
    data's own moment there (for an abelian group: P_f C P_f), so its eigenvalues are the
    closed form's per-component principal values (representations.spectrum, over B); W gives
    every one of them unit energy. Eigenvalues below floor x the largest are lifted to it;
    floor = 0 needs data whose orbits span every direction (else a ValueError).
    X (B, *shape) -> (W, W_inverse), both symmetric (n, n), n = group.n_pixels <= MAX_WHITENED.

    Scale-free: data far from unit size (max |x| outside 2**±200) is divided by a power of two
    first (exact), W scaled back. Small groups sum over the group as written above; a large
    product of cyclic groups (|G|·n² > DIRECT = 2**24) takes the same W (to
    rounding) per component from representations.component_moments, by FFT: cyclic(4096)
    in seconds instead of the |G|·n² gathers of the sum."""
    _checks.group("group", group)
    _checks.nonnegative("floor", floor)
    X = _checks.images("X", X, group.shape)
    n = group.n_pixels
    if n > MAX_WHITENED:
        raise ValueError(f"X: expected images of at most {MAX_WHITENED} pixels to whiten (W is "
                         f"dense, n x n), got {n} pixels of shape {group.shape}")
    flat = X.reshape(len(X), -1)
    top = np.abs(flat).max()
    if top == 0:
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    scale = 1.0 if 2.0 ** -200 < top < 2.0 ** 200 else 2.0 ** int(np.frexp(top)[1])  # a power of 2
    flat = flat / scale
    if getattr(group, "factors", None) is not None and group.order * n * n > DIRECT:
        W, W_inverse = _whitening_by_components(group, flat, floor)
    else:
        if group.order * n * n > MAX_DIRECT:
            raise ValueError(f"group: expected |G|·n² <= {MAX_DIRECT} (2**30) for the sum over the "
                             f"group of {group.name}, got {group.order}·{n}² = "
                             f"{group.order * n * n}")
        C = flat.T @ flat / len(flat)
        # rho(g) C rho(g)^T = C[p][:, p]
        C_G = sum(C[np.ix_(p, p)] for p in group.perms) / group.order
        values, vectors = np.linalg.eigh((C_G + C_G.T) / 2)
        values = _lifted(values, floor, n)
        W = (vectors / np.sqrt(values)) @ vectors.T
        W_inverse = (vectors * np.sqrt(values)) @ vectors.T
    if scale != 1.0:
        W /= scale
        W_inverse *= scale
    return W, W_inverse


def _lifted(values, floor, n):
    """Eigenvalues below floor x the largest lifted to it; a ValueError if any stays at the
    rounding level n·eps x the largest or below (floor 0 on data spanning too few directions)."""
    if values.max() <= 0:
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    values = np.maximum(values, floor * values.max())
    rounding = n * np.finfo(float).eps * values.max()
    if values.min() <= rounding:
        raise ValueError(f"floor: {floor:g} leaves {int(np.sum(values <= rounding))} of the {n} "
                         "eigenvalues of the orbits' moment C_G at rounding level (n·eps of the "
                         "largest) or below: X spans fewer directions than its orbits have and "
                         "C_G^(-1/2) does not exist; give floor > n·eps (default 1e-12) to lift "
                         "them")
    return values


def _whitening_by_components(group, flat, floor):
    """W and W_inverse of an abelian group from the per-component moments M_f (r, m, m) of
    representations.component_moments: W = sum_f U_f A_f U_f^*, A_f = M_f^(-1/2). With
    u_(f,p)[q] = sqrt(|G_p|/|G|) chi_f(g_q) (g_q any g with perms[g, p] = q), the entry
        W[q, q'] = sqrt(|G_p| |G_p'|) · ifftn_f(A_f[p, p'])(g_q - g_q')
    (p, p' the orbits of q, q'), an inverse FFT over the group per pair of orbits."""
    firsts, stabilizer, orbit_of, reached = representations.orbit_structure(group)
    moments = representations.component_moments(group, flat)
    o, k = len(firsts), len(group.factors)
    if o * o * group.order > representations.MAX_MOMENTS:
        raise ValueError(f"group: expected |G|·orbits² <= {representations.MAX_MOMENTS} (2**26), "
                         f"got {group.order}·{o}² for {group.name} on {group.n_pixels} pixels")
    decomposed = [(irreps, orbits) + tuple(np.linalg.eigh(K / len(flat)))
                  for irreps, orbits, K in moments]
    largest = max(values.max(initial=0.0) for _, _, values, _ in decomposed)
    a_minus, a_plus = np.zeros((2, o, o, group.order), complex)  # A_f[p, p'] as a function of f
    for irreps, orbits, values, vectors in decomposed:
        values = _lifted(np.concatenate([values.ravel(), [largest]]), floor, group.n_pixels)[:-1]
        values = values.reshape(len(irreps), -1)[:, None, :]
        for a, power in ((a_minus, -0.5), (a_plus, 0.5)):
            block = (vectors * values ** power) @ np.conj(np.swapaxes(vectors, 1, 2))  # (r, m, m)
            a[np.ix_(orbits, orbits, irreps)] = np.transpose(block, (1, 2, 0))
    axes = tuple(range(2, 2 + k))
    b_minus, b_plus = (np.fft.ifftn(a.reshape((o, o) + group.factors), axes=axes)
                       .reshape(o, o, -1).real for a in (a_minus, a_plus))
    coords = np.stack(np.unravel_index(reached, group.factors), axis=1).astype(np.int32)  # g_q
    strides = np.cumprod((1,) + group.factors[:0:-1])[::-1]  # mixed radix of the group elements
    weight = np.sqrt(stabilizer)[orbit_of]  # (n,)
    W, W_inverse = np.empty((2, group.n_pixels, group.n_pixels))
    for rows in _chunks.chunks(np.arange(group.n_pixels), group.n_pixels):
        at = (orbit_of[rows, None] * o + orbit_of[None]) * group.order  # (rows, n): orbits
        for i, (size, stride) in enumerate(zip(group.factors, strides)):  # + the element g_q - g_q'
            at += (coords[rows, i, None] - coords[None, :, i]) % np.int32(size) * int(stride)
        factor = weight[rows, None] * weight[None]
        W[rows] = factor * np.take(b_minus, at)
        W_inverse[rows] = factor * np.take(b_plus, at)
    return W, W_inverse
