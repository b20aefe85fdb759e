"""The post-hoc test (chapter 09): did an unsupervised model's latent capture the group?

A VAE or β-VAE (vae.py) is trained on images alone, never told g.
Afterwards, with g known, we ask whether its code z = encode(x) carries the action:
- the best *rotation plane*: psi(g) = I + U (R(θ_g) − I) Uᵀ, U (L, 2k) orthonormal, one
  plane per cyclic factor n_i turning by θ = 2π f_i m_i / n_i (the disentangled operator
  up to a choice of plane and frequency f_i), fitted by least squares;
- the best *linear map per element*: M_g = argmin Σ ‖z2 − M_g z1‖² over pairs with that g,
  |G| independent (L, L) matrices.
Each fit becomes an operators.Operator, so metrics.by_symmetry scores it: the held-out
prediction decode(M_g encode(x1)) against x2, and the encoder's equivariance error. Whether
the maps form a representation is the homomorphism error
    Σ_{g,h} ‖M_g M_h − M_{g∘h}‖² / Σ_{g,h} ‖M_{g∘h}‖²   (0 for any true representation).
"""
import itertools

import autograd.numpy as np
from autograd import grad
from autograd.misc.optimizers import adam

from . import _checks, characters, data, metrics, operators


def _codes(z1, z2):
    for name, z in (("z1", z1), ("z2", z2)):
        if not isinstance(z, np.ndarray) or z.ndim != 2 or not np.all(np.isfinite(z)):
            raise ValueError(f"{name}: expected a finite array of codes (N, L), got "
                             f"{getattr(z, 'shape', z)!r}")
    if z1.shape != z2.shape:
        raise ValueError(f"z2: expected the shape of z1 {z1.shape}, got {z2.shape}")


def linear_fit(group, z1, g, z2):
    """The least-squares M_g of each element: z1, z2 (N, L), g int (N,) -> Operator whose
    .maps are (|G|, L, L). Every element needs at least one pair (minimum-norm solution)."""
    _codes(z1, z2)
    g = _checks.elements("g", g, group.order, length=len(z1))
    missing = np.setdiff1d(np.arange(group.order), g)
    if missing.size:
        raise ValueError(f"g: expected pairs for every element of {group.name}, none for "
                         f"{missing[:5].tolist()}")
    maps = np.stack([np.linalg.lstsq(z1[g == e], z2[g == e], rcond=None)[0].T
                      for e in range(group.order)])  # (|G|, L, L)
    return operators.from_matrices(group, maps, "per-element linear fit")


def _orthonormal(A):
    """Gram–Schmidt on the columns of A (L, k) -> U (L, k) with UᵀU = I (differentiable)."""
    columns = []
    for j in range(A.shape[1]):
        a = A[:, j]
        for u in columns:
            a = a - np.dot(u, a) * u
        columns.append(a / np.sqrt(np.sum(a ** 2)))
    return np.stack(columns, axis=1)


def _rotate_planes(P, angles):
    """Rotate each plane (P[:, 2i], P[:, 2i+1]) of P (B, 2k) by angles (B, k)."""
    x, y = P[:, 0::2], P[:, 1::2]
    c, s = np.cos(angles), np.sin(angles)
    return np.reshape(np.stack([c * x - s * y, s * x + c * y], axis=2), P.shape)


def _plane_apply(U, angles, Z):
    """psi(g) z = z + U (R(θ_g) − I) Uᵀ z for Z (B, L) and angles (B, k)."""
    P = Z @ U  # (B, 2k): coordinates in the planes
    return Z + (_rotate_planes(P, angles) - P) @ U.T


def _plane_loss(A, angles, a, b):
    """Mean ‖b − psi a‖² for the planes spanned by A (L, 2k); angles (B, k), a, b (B, L)."""
    return np.sum((_plane_apply(_orthonormal(A), angles, a) - b) ** 2) / len(a)


def plane_fit(group, z1, g, z2, steps=100, refine=1, max_pairs=2048, seed=0):
    """The best rotation planes: for every choice of frequencies f_i in 1..n_i//2, U starts
    from the eigenvectors of the per-element fit of each generator with eigenvalue nearest
    e^{2πi f_i/n_i}; the `refine` best starts are refined by Adam on Σ ‖z2 − psi(g) z1‖²
    (at most max_pairs pairs), and the least error wins. Returns an Operator with .maps
    (|G|, L, L), .frequencies and .plane U (L, 2k). Needs a product of cyclic groups."""
    if group.factors is None:
        raise ValueError("group: a rotation-plane fit needs a product of cyclic groups, got "
                         f"{group.name}")
    _codes(z1, z2)
    L, k = z1.shape[1], len(group.factors)
    if L < 2 * k:
        raise ValueError(f"z1: expected at least {2 * k} latent dimensions for {k} planes, got {L}")
    g = _checks.elements("g", g, group.order, length=len(z1))
    rows = np.random.default_rng(seed).permutation(len(z1))[:max_pairs]
    a, e, b = z1[rows], g[rows], z2[rows]
    linear = linear_fit(group, z1, g, z2).maps
    coords = group.coordinates(np.arange(group.order))  # (|G|, k)
    units = np.eye(k, dtype=int)
    generators = [int(np.ravel_multi_index(tuple(units[i]), group.factors)) for i in range(k)]
    starts = []  # (error at the start, frequencies, A0, angles) for every choice of frequencies
    for freqs in itertools.product(*[range(1, n // 2 + 1) for n in group.factors]):
        angles = 2 * np.pi * coords * np.array(freqs) / np.array(group.factors)  # (|G|, k)
        start = []
        for i, n in enumerate(group.factors):
            values, vectors = np.linalg.eig(linear[generators[i]])
            v = vectors[:, np.argmin(np.abs(values - np.exp(2j * np.pi * freqs[i] / n)))]
            # M v = e^{iθ} v puts the plane (Re v, −Im v) in the orientation turned by +θ
            start += [v.real, -v.imag if np.linalg.norm(v.imag) > 1e-8 * np.linalg.norm(v.real)
                      else np.random.default_rng(seed).normal(size=L)]
        A0 = np.stack(start, axis=1) + 1e-6 * np.random.default_rng(seed).normal(size=(L, 2 * k))
        starts.append((_plane_loss(A0, angles[e], a, b), freqs, A0, angles))
    best = None
    for value0, freqs, A0, angles in sorted(starts, key=lambda s: s[0])[:refine]:
        A = adam(grad(lambda A, i: _plane_loss(A, angles[e], a, b)), A0, num_iters=steps,
                 step_size=1e-2)
        value = _plane_loss(A, angles[e], a, b)
        if value0 < value:  # Adam's first steps can leave an exact start
            A, value = A0, value0
        if best is None or value < best[0]:
            best = (value, freqs, _orthonormal(A), angles)
    _, freqs, U, angles = best
    eye = np.eye(L)
    maps = np.stack([_plane_apply(U, np.tile(angles[h], (L, 1)), eye).T
                     for h in range(group.order)])
    op = operators.from_matrices(group, maps, "rotation-plane fit")
    op.frequencies, op.plane = freqs, U
    return op


def composed(group, maps):
    """The maps rebuilt from the generators' maps alone, M_{s1} M_{s2} ... for each
    element's word: what a composition law would predict. (|G|, L, L) -> (|G|, L, L)."""
    _, words = characters.generator_words(group)
    eye = np.eye(maps.shape[1])
    out = []
    for word in words:
        m = eye
        for s in word:
            m = m @ maps[s]
        out.append(m)
    return np.stack(out)


def homomorphism_error(group, maps):
    """Σ_{g,h} ‖M_g M_h − M_{g∘h}‖² / Σ_{g,h} ‖M_{g∘h}‖² for maps (|G|, L, L)."""
    maps = np.asarray(maps)
    if maps.ndim != 3 or maps.shape[0] != group.order or maps.shape[1] != maps.shape[2]:
        raise ValueError(f"maps: expected shape ({group.order}, L, L), got {maps.shape}")
    wrong = total = 0.0
    for g in range(group.order):  # one g at a time: (|G|, L, L) in memory, not (|G|², L, L)
        target = maps[group.table[g]]  # M_{g∘h} for every h
        wrong += np.sum((maps[g] @ maps - target) ** 2)
        total += np.sum(target ** 2)
    return float(wrong / total)


def posthoc(model, params, group, train_pairs, test_pairs, seed=0):
    """The post-hoc test of an unsupervised model. Maps are fitted on the codes of every
    training image x1 under every element (data.orbit_pairs), scored on test_pairs (x1, g, x2).
    Returns {"reconstruction": e, "linear": {...}, "plane": {...} or None}, each fit with
    "prediction" and "equivariance" (metrics.by_symmetry dicts), "homomorphism" and "op";
    "linear" also has "composed": the prediction error of the maps rebuilt from the
    generators' maps (composed), as a representation would have to be."""
    x1, g, x2 = data.orbit_pairs(group, train_pairs[0])
    z1 = np.repeat(model.encode(params, train_pairs[0]), group.order, axis=0)  # each x1 |G| times
    z2 = model.encode(params, x2)
    test_x1 = _checks.images("test_pairs[0]", test_pairs[0], group.shape)
    decoded = model.decode(params, model.encode(params, test_x1))
    out = {"reconstruction": metrics.relative_error(decoded, test_x1)}
    for name, fit in (("linear", linear_fit), ("plane", plane_fit)):
        if name == "plane" and group.factors is None:
            out[name] = None
            continue
        op = fit(group, z1, g, z2) if name == "linear" else fit(group, z1, g, z2, seed=seed)
        out[name] = dict(op=op, homomorphism=homomorphism_error(group, op.maps),
                         **metrics.by_symmetry(model, params, op, test_pairs))
        if name == "linear":  # the same maps rebuilt from the generators' maps only
            rebuilt = operators.from_matrices(group, composed(group, op.maps),
                                              "composed linear fit")
            rebuilt_errors = metrics.by_symmetry(model, params, rebuilt, test_pairs)
            out[name]["composed"] = rebuilt_errors["prediction"]
    return out
