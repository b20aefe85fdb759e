"""The topological defect (chapter 03): the floor that symmetric images put under the
disentangled operator's error, and the probe that shows the encoder collapse or jump near them.
"""
import numpy as np

from . import _checks, _chunks, data, groups, metrics, shapes
from .train import predict


def orbit_lower_bound(group, X):
    """The topological defect's floor for the disentangled operator (one rotation plane per
    cyclic factor): the best relative error of x2 that any decoder can reach on the orbit
    of each image when the encoder is equivariant.

    If h ≠ e fixes x, equivariance forces f_E(x) = psi(h) f_E(x), so every plane that h
    turns is zero (collapsed_planes); the elements K that only turn those planes then give
    g·x and (g∘k)·x one code, and the best decoder outputs their mean; the planes that
    survive still tell the cosets gK apart. For Z_n (one plane) K is the whole group: the
    orbit collapses to its mean m(x) = mean_g g·x (the DC component). Per image
        bound(x) = mean_g ‖g·x − mean_k (g∘k)·x‖² / ‖x‖² = ‖x − mean_k k·x‖² / ‖x‖²,
    relative to the signal energy ‖x‖² = ‖g·x‖² (zero when the stabilizer is trivial, and
    zero when it is all of K, e.g. a stripe fixed by every shift of the factor it turns).
    For a linear model on Z_n it is exactly the energy outside Fourier modes 0 and ±1.

    X (B, *shape) -> (bound (B,), total): total = Σ‖x − m_K(x)‖² / Σ‖x‖², the ratio of
    sums of metrics.relative_error, to compare with the error on every pair (x, g, g·x).
    """
    _checks.cyclic_factors(group, "the orbit lower bound (of the disentangled operator)")
    flat, energy = _energies(group, X)
    coords = group.coordinates(np.arange(group.order))  # (|G|, k)
    parts = _chunks.chunks(flat, group.perms.size)
    spread = np.concatenate([_spread(group, coords, part) for part in parts])
    return spread / energy, float(spread.sum() / energy.sum())


def collapsed_planes(group, X):
    """The planes of the disentangled operator that an equivariant encoder must send to the
    origin for each image: plane i is collapsed when some h in the stabilizer of x turns it
    (exponent h_i ≠ 0), since then f_i(x) = R(h_i) f_i(x) has the origin as its only solution.
    The other planes keep following the shifts of their factor.
    X (B, *shape) -> bool (B, k), k = len(group.factors)."""
    _checks.cyclic_factors(group, "the planes of the disentangled operator")
    flat, _ = _energies(group, X)
    coords = group.coordinates(np.arange(group.order))  # (|G|, k)
    parts = _chunks.chunks(flat, group.perms.size)
    return np.concatenate([_turned(group, coords, part) for part in parts])


def linear_floor(group, X):
    """The floor of any *linear* model with the disentangled operator, equivariant or not:
    as a function of g its prediction D psi(g) E x holds only the characters the planes
    carry, chi_0 = 1 and chi_{±e_i}(g) = exp(±2πi g_i / n_i), one pair per factor. So its
    relative error on the orbit of x is at least the orbit's energy outside them,
        floor(x) = (‖x‖² − Σ_{chi in S} ‖c_chi(x)‖²) / ‖x‖²,  c_chi(x) = mean_g conj(chi(g)) g·x
    (Parseval over the group: Σ_chi ‖c_chi‖² = mean_g ‖g·x‖² = ‖x‖²). A character of a
    collapsed plane has c_chi = 0 (chi(h) ≠ 1 for an h fixing x), so only the surviving
    planes add to what is expressed: floor ≥ orbit_lower_bound. A linear model reaches it
    when each plane's mode is one-dimensional in the images (translations of a torus, Z_n).
    X (B, *shape) -> (floor (B,), total = Σ missed / Σ‖x‖²)."""
    _checks.cyclic_factors(group, "the linear floor (of the disentangled operator)")
    flat, energy = _energies(group, X)
    coords = group.coordinates(np.arange(group.order))  # (|G|, k)
    factors = np.array(group.factors)
    frequencies = [np.zeros(len(factors), int)] + [
        np.eye(len(factors), dtype=int)[i] * s for i in range(len(factors)) if factors[i] > 1
        for s in ((1,) if factors[i] == 2 else (1, -1))]
    characters = np.stack([np.exp(2j * np.pi * coords @ (f / factors))
                           for f in frequencies])  # (|S|, |G|)
    def captured(part):  # Σ_chi ‖c_chi(x)‖² for each row of part
        c = np.einsum("sg,bgp->bsp", characters.conj(), part[:, group.perms]) / group.order
        return np.sum(np.abs(c) ** 2, axis=(1, 2))

    kept = np.concatenate([captured(part) for part in
                           _chunks.chunks(flat, group.perms.size * len(frequencies))])
    missed = np.maximum(energy - kept, 0.0)
    return missed / energy, float(missed.sum() / energy.sum())


def _energies(group, X):
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1).astype(np.float64)
    energy = np.sum(flat ** 2, axis=1)
    if np.any(energy == 0):
        raise ValueError("X: expected images with non-zero energy, got "
                         f"{int(np.sum(energy == 0))} zero images")
    return flat, energy


def _turned(group, coords, flat):
    """bool (b, k): the planes some element of each row's stabilizer turns."""
    fixes = np.all(flat[:, group.perms] == flat[:, None, :], axis=2)  # (b, |G|): g fixes x
    return (fixes[:, :, None] & (coords[None] != 0)).any(axis=1)


def _spread(group, coords, flat):
    """‖x − m_K(x)‖² for each row of flat (b, n_pixels), K as in orbit_lower_bound."""
    moved = flat[:, group.perms]  # (b, |G|, n_pixels): row g is g·x
    turned = _turned(group, coords, flat)  # (b, k): planes forced to 0
    # K = the elements whose every non-zero exponent lies in a plane forced to zero
    in_k = np.all(turned[:, None, :] | (coords[None] == 0), axis=2)  # (b, |G|)
    mean = np.einsum("bg,bgp->bp", in_k, moved) / in_k.sum(axis=1, keepdims=True)
    return np.sum((flat - mean) ** 2, axis=1)


def defect_probe(encode, params, x_sym, h, v, eps, group):
    """The defect probe along y = x_sym + ε v towards a symmetric image (h·x_sym = x_sym).

    encode  encode(params, Y): (E, *shape) -> (E, L) codes
    x_sym   (*shape) a symmetric image; h int, an element of its stabilizer other than 0
    v       (*shape) a generic direction (h·v ≠ v); eps float (E,), every ε > 0
    Returns (ratio (E,), radius (E,)):
        ratio[i]  = ‖f(y) − f(h·y)‖ / ‖y − h·y‖   (y − h·y = ε (v − h·v)), bounded by the
                    encoder's slope; it grows like 1/ε when an equivariant code keeps its
                    angle (psi(h) turns it by a fixed angle however close y is to x_sym)
        radius[i] = ‖f_E(y)‖ = ‖code[0:2]‖, the disentangled operator's first plane.
    """
    if not callable(encode):
        raise TypeError("encode: expected a function encode(params, X), got "
                        f"{type(encode).__name__}")
    x_sym = _checks.images("x_sym", x_sym, group.shape, batched=False)
    v = _checks.images("v", v, group.shape, batched=False)
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)):
        raise TypeError(f"h: expected an integer group element, got {type(h).__name__} {h!r}")
    if not 0 < h < group.order:
        raise ValueError(f"h: expected a non-identity element in [1, {group.order}), got {h}")
    if h not in group.stabilizer(x_sym):
        raise ValueError(f"h: expected an element of the stabilizer of x_sym "
                         f"{group.stabilizer(x_sym).tolist()}, got {h} (h·x_sym ≠ x_sym)")
    eps = np.asarray(eps, dtype=float)
    if eps.ndim != 1 or eps.size == 0 or not np.all(np.isfinite(eps)) or np.any(eps <= 0):
        raise ValueError(f"eps: expected a 1-D array of finite values > 0, got {eps!r}")
    step = v - group.act(v, h)
    if not np.any(step):
        raise ValueError(f"v: expected a generic direction with h·v ≠ v, got one fixed by h={h}")
    Y = x_sym[None] + eps.reshape((-1,) + (1,) * v.ndim) * v[None]  # (E, *shape)
    hY = group.act(Y, np.full(len(eps), h))
    Z, hZ = np.asarray(encode(params, Y)), np.asarray(encode(params, hY))  # (E, L) each
    if Z.ndim != 2 or Z.shape[0] != len(eps) or Z.shape[1] < 2:
        raise ValueError(f"encode: expected codes of shape ({len(eps)}, L >= 2), got {Z.shape}")
    distance = eps * np.linalg.norm(step)  # ‖y − h·y‖, exact: h fixes x_sym
    return np.linalg.norm(Z - hZ, axis=1) / distance, np.linalg.norm(Z[:, :2], axis=1)


def orbit_error_split(model, params, op, X):
    """The x2 error of a trained model on every pair (x, g, g·x) of the images X (B, *shape),
    split around the orbit lower bound. With P_g the prediction for g·x, c = mean_g P_g
    its part constant in g and m = mean_g g·x the orbit's mean,
        Σ_g ‖P_g − g·x‖² = |G| ‖c − m‖²  +  Σ_g ‖(P_g − c) − (g·x − m)‖²
    (the cross term vanishes because both varying parts average to zero over g).
    For the linear disentangled model on Z_n, P_g − c only holds the frequencies ±1 in g,
    which a symmetric signal lacks, so the varying term is the bound plus Σ_g ‖P_g − c‖².
    Returns a dict of relative errors (each over Σ_g ‖g·x‖²), floats:
        error          prediction error of x2 on the orbits
        bound          orbit_lower_bound(op.group, X)[1]
        constant       |G| Σ‖c − m‖²: what the g-independent latent adds beyond the orbit's mean
        varying        error − constant (≥ bound for the linear disentangled model)
        reconstruction relative error of decode(encode(x)) against x (the x1 term)
    """
    G = op.group
    X = _checks.images("X", X, G.shape)
    pred = predict(model, params, op, *data.orbit_pairs(G, X)[:2]).reshape((len(X), G.order, -1))
    orbit = X.reshape(len(X), -1)[:, G.perms]  # (B, |G|, n_pixels): row g is g·x
    energy = np.sum(orbit ** 2)
    error = float(np.sum((pred - orbit) ** 2) / energy)
    constant = float(G.order * np.sum((pred.mean(axis=1) - orbit.mean(axis=1)) ** 2) / energy)
    return dict(error=error, bound=orbit_lower_bound(G, X)[1], constant=constant,
                varying=error - constant,
                reconstruction=metrics.relative_error(
                    model.decode(params, model.encode(params, X)), X))


EPS = np.logspace(-4, 0, 9)  # the probe's distances to the symmetric image
# The probe MLPs: a strongly consistent encoder from the plain initialisation (gain 1), so
# the MLP is really non-linear (build's default gain 0.1 keeps it near its linear regime).
PROBE = dict(consistency=10.0, steps=1500, model_options=dict(gain=1.0))


def defect_data(n=16, count=256, seed=0):
    """The data of chapter 03: signals_1d(n, count, seed), trained on every shift of each
    training signal (so the consistency term sees each symmetric orbit whole).
    Returns (group, train_pairs (count·n pairs), test_images (count, n))."""
    group, train_pairs, test_pairs = data.signals_1d(n, count, seed)
    return group, data.orbit_pairs(group, train_pairs[0]), test_pairs[0]


# The per-factor data of chapter 07: generic images and three kinds of symmetric ones.
FACTOR_KINDS = ("generic", "stripes along axis 0", "stripes along axis 1", "checkerboards")


def factor_data(shape=(6, 6), count=32, seed=0):
    """Chapter 07's per-factor task on the torus Z_h x Z_w: `count` images of each kind of
    FACTOR_KINDS (generic: data.random_blobs of width 1; stripes: data.stripes, fixed by
    every shift along that axis, so one plane collapses; checkerboards of shapes.symmetric_shapes,
    cells c x c: fixed by (c, c), so both planes collapse), for training and again for testing.
    Returns (group, train_pairs (every pair of the training images' orbits),
    test_images (4 count, h, w), kind int (4 count,) indexing FACTOR_KINDS)."""
    _checks.positive("count", count, integer=True)
    _checks.seed("seed", seed)
    group, rng = groups.translations(shape), np.random.default_rng(seed)

    def draw():
        parts = [data.random_blobs(shape, count, rng, width=1.0),
                 data.stripes(shape, count, rng, 0), data.stripes(shape, count, rng, 1),
                 shapes.symmetric_shapes(shape, count, rng, kinds=("checkerboard",))[0]]
        return np.concatenate(parts), np.repeat(np.arange(len(parts)), count)

    train, _ = draw()
    test, kind = draw()
    return group, data.orbit_pairs(group, train), test, kind


def plane_radii(model, params, X, k):
    """The radius of each of the k rotation planes of the code: X (B, *shape) -> (B, k),
    ‖encode(x)[2i:2i+2]‖ (operators.disentangled puts plane i there)."""
    Z = np.asarray(model.encode(params, X))
    return np.linalg.norm(Z[:, :2 * k].reshape(len(Z), k, 2), axis=2)


def factor_table(group, model, params, op, X, kind):
    """Text table, one row per kind of defect.FACTOR_KINDS among the images X (B, h, w)
    (kind int (B,)): |H| (the stabilizer sizes met), the planes collapsed
    (collapsed_planes: 0, 1 or both), orbit_lower_bound, linear_floor and the trained
    model's error on every pair of the orbits, and the median radius of each plane over its
    median on the generic images (plane_radii)."""
    radii = plane_radii(model, params, X, 2)
    typical = np.median(radii[kind == 0], axis=0)
    collapsed = collapsed_planes(group, X)
    lines = [f"{'kind':<22} {'|H|':>6} {'collapsed':>9} {'bound':>6} {'linear floor':>12} "
             f"{'error':>6} {'radius 0':>8} {'radius 1':>8}"]
    for k in np.unique(kind):
        rows = kind == k
        sizes = "/".join(str(s) for s in np.unique(group.stabilizer_sizes(X[rows])))
        planes = collapsed[rows].any(axis=0)
        which = ("both" if planes.all() else "none" if not planes.any()
                 else str(int(np.argmax(planes))))
        error = metrics.prediction_error(model, params, op, data.orbit_pairs(group, X[rows]))
        r = np.median(radii[rows], axis=0) / typical
        bound, floor = orbit_lower_bound(group, X[rows])[1], linear_floor(group, X[rows])[1]
        lines.append(f"{FACTOR_KINDS[k]:<22} {sizes:>6} {which:>9} {bound:>6.3f} {floor:>12.3f} "
                     f"{error:>6.3f} {r[0]:>8.3f} {r[1]:>8.3f}")
    return "\n".join(lines)


def probe_path(group, X, seed=0):
    """The probe's path: x_sym, the first image of X (B, n) with a non-trivial stabilizer;
    h, the smallest non-identity element fixing it; v, a generic unit direction
    (data.random_signals with `seed`). Returns (x_sym, h, v)."""
    if len(group.shape) != 1:
        raise ValueError("group: expected a group of 1D signals, got images of shape "
                         f"{group.shape}")
    X = _checks.images("X", X, group.shape)
    symmetric = np.flatnonzero(group.stabilizer_sizes(X) > 1)
    if symmetric.size == 0:
        raise ValueError("X: expected at least one symmetric image (non-trivial stabilizer), "
                         "got none")
    x_sym = X[symmetric[0]]
    v = data.random_signals(group.shape[0], 1, np.random.default_rng(seed))[0]
    return x_sym, int(group.stabilizer(x_sym)[1]), v / np.linalg.norm(v)


def probe_curves(runs, X, eps=EPS, seed=0):
    """The defect probe of each trained run (recipes.Trained tuples keyed by a label) along
    probe_path(group, X, seed). Returns a dict: eps (E,), x_sym, h, v, and per label
    ratio (E,), radius (E,) and typical, the median code radius ‖f_E(x)‖ over the images
    of X with a trivial stabilizer."""
    group = next(iter(runs.values())).op.group
    x_sym, h, v = probe_path(group, X, seed)
    generic = X[group.stabilizer_sizes(X) == 1]
    out = dict(eps=np.asarray(eps), x_sym=x_sym, h=h, v=v, ratio={}, radius={}, typical={})
    for label, r in runs.items():
        encode, params = r.model.encode, r.params
        out["ratio"][label], out["radius"][label] = defect_probe(encode, params, x_sym, h, v,
                                                                 eps, group)
        radius = np.linalg.norm(encode(params, generic)[:, :2], axis=1)
        out["typical"][label] = float(np.median(radius))
    return out


def stabilizer_table(runs, group, X):
    """Text table of the x2 error on every pair (x, g, g·x) of the images X, one column per
    stabilizer size (metrics.by_stabilizer; 1 = generic), for each run of `runs`
    {label: recipes.Trained}, with the equivariance error and a first row holding
    orbit_lower_bound of each class (the disentangled operator's floor). Errors
    below 1e-6 print as "<1e-6" (their digits depend on the machine's summation order)."""
    def cell(e):
        return f"{'<1e-6' if e < 1e-6 else format(e, '.1e'):>8}"

    pairs = data.orbit_pairs(group, X)
    sizes = group.stabilizer_sizes(X)
    classes = [int(s) for s in np.unique(sizes)]
    width = max(len("orbit lower bound"), *(len(label) for label in runs))
    lines = [f"{'stabilizer size':<{width}} " + " ".join(f"{s:>8d}" for s in classes)
             + f" {'equiv.':>8}",
             f"{'orbit lower bound':<{width}} " +
             " ".join(cell(orbit_lower_bound(group, X[sizes == s])[1]) for s in classes)]
    for label, r in runs.items():
        errors = metrics.by_stabilizer(r.model, r.params, r.op, pairs)
        equivariance = metrics.equivariance_error(r.model, r.params, r.op, pairs)
        lines.append(f"{label:<{width}} " + " ".join(cell(errors[s][1]) for s in classes) +
                     " " + cell(equivariance))
    return "\n".join(lines)
