"""How well a trained model predicts x2 = g·x1, and how equivariant its code is.

Every error is relative: a sum of squared differences over a sum of squared targets,
so 0 is perfect and 1 is as bad as predicting zero.
"""
import numpy as np

from . import _checks
from .models import check_params
from .train import _check_pair, predict


def relative_error(pred, target):
    """Σ‖pred − target‖² / Σ‖target‖² over a batch (B, ...)."""
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"pred: expected the target's shape {target.shape}, got {pred.shape}")
    _checks.finite_floats("pred", pred)
    _checks.finite_floats("target", target)
    if not np.any(target):
        raise ValueError(f"target: expected a non-zero array (the error is relative to it), got all zeros "
                         f"of shape {target.shape}")
    return float(np.sum((pred - target) ** 2) / np.sum(target ** 2))


def _pairs(op, pairs, model=None, params=None):
    """Checked (x1, g, x2); with a model, also that model, params and op fit together."""
    if model is not None:
        _check_pair(model, op)
        check_params(model, params)
    if not isinstance(pairs, (tuple, list)) or len(pairs) != 3:
        raise TypeError(f"pairs: expected a tuple (x1, g, x2), got {type(pairs).__name__}"
                        + (f" of length {len(pairs)}" if isinstance(pairs, (tuple, list)) else ""))
    x1, g, x2 = pairs
    x1 = _checks.images("x1", x1, op.group.shape)
    x2 = _checks.images("x2", x2, op.group.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return x1, _checks.elements("g", g, op.group.order, length=len(x1)), x2


def prediction_error(model, params, op, pairs):
    """Relative error of decode(psi(g) encode(x1)) against x2 on pairs (x1, g, x2)."""
    x1, g, x2 = _pairs(op, pairs, model, params)
    return relative_error(predict(model, params, op, x1, g), x2)


def equivariance_error(model, params, op, pairs):
    """Σ‖encode(x2) − psi(g) encode(x1)‖² / Σ‖encode(x2)‖²: 0 for an equivariant encoder."""
    x1, g, x2 = _pairs(op, pairs, model, params)
    return relative_error(op(model.encode(params, x1), g), model.encode(params, x2))


def by_symmetry(model, params, op, pairs):
    """Both errors on all pairs and split by x1's stabilizer: trivial ("generic") or not
    ("symmetric"). Returns {"prediction": {...}, "equivariance": {...}}, each
    {"all": e, "generic": e, "symmetric": e} (NaN for an empty class)."""
    x1, g, x2 = _pairs(op, pairs, model, params)
    symmetric = op.group.stabilizer_sizes(x1) > 1
    out = {"prediction": {}, "equivariance": {}}
    for name, rows in (("all", slice(None)), ("generic", ~symmetric), ("symmetric", symmetric)):
        part = (x1[rows], g[rows], x2[rows])
        empty = len(part[0]) == 0
        out["prediction"][name] = np.nan if empty else prediction_error(model, params, op, part)
        out["equivariance"][name] = np.nan if empty else equivariance_error(model, params, op, part)
    return out


def by_stabilizer(model, params, op, pairs):
    """Prediction error split by the size of x1's stabilizer: {size: (count, error)}."""
    x1, g, x2 = _pairs(op, pairs, model, params)
    sizes = op.group.stabilizer_sizes(x1)
    return {int(s): (int(np.sum(sizes == s)),
                     prediction_error(model, params, op, (x1[sizes == s], g[sizes == s], x2[sizes == s])))
            for s in np.unique(sizes)}


def orbit_lower_bound(group, X):
    """The topological defect's floor for the disentangled operator (one rotation plane per
    cyclic factor): the best relative error of x2 that any decoder can reach on the orbit
    of each image when the encoder is equivariant.

    If h ≠ e fixes x, equivariance forces f_E(x) = psi(h) f_E(x), so every plane that h
    turns is zero; the elements K that only turn those planes then give g·x and (g∘k)·x
    one code, and the best decoder outputs their mean. For Z_n (one plane) K is the whole
    group: the orbit collapses to its mean m(x) = mean_g g·x (the DC component). Per image
        bound(x) = mean_g ‖g·x − mean_k (g∘k)·x‖² / ‖x‖² = ‖x − mean_k k·x‖² / ‖x‖²,
    relative to the signal energy ‖x‖² = ‖g·x‖² (zero when the stabilizer is trivial).
    For a linear model on Z_n it is exactly the energy outside Fourier modes 0 and ±1.

    X (B, *shape) -> (bound (B,), total): total = Σ‖x − m_K(x)‖² / Σ‖x‖², the ratio of
    sums of metrics.relative_error, to compare with the error on every pair (x, g, g·x).
    """
    if group.factors is None:
        raise ValueError(f"group: expected a product of cyclic groups (the disentangled operator "
                         f"exists only for those), got {group.name}")
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1)
    coords = group.coordinates(np.arange(group.order))  # (|G|, k) exponents per factor
    moved = flat[:, group.perms]  # (B, |G|, n_pixels): row g is g·x
    fixes = np.all(moved == flat[:, None, :], axis=2)  # (B, |G|): g in the stabilizer
    turned = (fixes[:, :, None] & (coords[None] != 0)).any(axis=1)  # (B, k): planes forced to 0
    # K = the elements whose every non-zero exponent lies in a plane forced to zero
    in_k = np.all(turned[:, None, :] | (coords[None] == 0), axis=2)  # (B, |G|)
    mean = np.einsum("bg,bgp->bp", in_k, moved) / in_k.sum(axis=1, keepdims=True)
    spread = np.sum((flat - mean) ** 2, axis=1)
    energy = np.sum(flat ** 2, axis=1)
    if np.any(energy == 0):
        raise ValueError(f"X: expected images with non-zero energy, got {int(np.sum(energy == 0))} zero images")
    return spread / energy, float(spread.sum() / energy.sum())


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
        raise TypeError(f"encode: expected a function encode(params, X), got {type(encode).__name__}")
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


# --- Identifiability: how well a transformation inferred without labels is recovered ---
#
# A pair (x1, x2 = g·x1) only fixes g up to the stabilizer H of x1: every g' in the
# coset gH maps x1 to x2 too. And a model trained with no labels names the elements in
# its own way: if it learned encode(g·x) = psi(sigma(g)) encode(x) for an automorphism
# sigma of G, its guesses are sigma(g) instead of g, and fit the data just as well.


def coset_correct(group, x1, g, x2):
    """bool (B,): g[b]·x1[b] == x2[b] exactly, i.e. g[b] lies in the coset g_true·Stab(x1[b])."""
    x1 = _checks.images("x1", x1, group.shape)
    x2 = _checks.images("x2", x2, group.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    g = _checks.elements("g", g, group.order, length=len(x1))
    return np.all(group.act(x1, g) == x2, axis=tuple(range(1, x1.ndim)))


def coset_accuracy(group, x1, g, x2):
    """Fraction of pairs with g·x1 == x2 exactly: a guess anywhere in g_true·Stab(x1) counts."""
    return float(np.mean(coset_correct(group, x1, g, x2)))


def strict_accuracy(g, g_true, order):
    """Fraction of guesses equal to the given element: g, g_true int (B,)."""
    g_true = _checks.elements("g_true", g_true, order)
    g = _checks.elements("g", g, order, length=len(g_true))
    return float(np.mean(g == g_true))


def automorphisms(group):
    """Every automorphism of a product of cyclic groups Z_n1 x ... x Z_nk (group.factors):
    int (A, |G|), row sigma with sigma[g] the image of g, the identity first. A homomorphism
    is fixed by the images y_i of the generators e_i, any elements with n_i·y_i = 0; it is
    an automorphism when it is a bijection. (For Z_n: g -> a·g with gcd(a, n) = 1.)"""
    if group.factors is None:
        raise ValueError(f"group: automorphisms are enumerated for products of cyclic groups "
                         f"(cyclic, translations, rotations), {group.name} has no cyclic factors")
    order = group.order
    powers = np.zeros((order, max(group.factors) + 1), dtype=np.intp)  # powers[y, m] = y^m
    for m in range(1, powers.shape[1]):
        powers[:, m] = group.table[np.arange(order), powers[:, m - 1]]
    coords = group.coordinates(np.arange(order))  # (|G|, k) exponents m_i of each element
    maps = np.zeros((1, order), dtype=np.intp)  # images of sum_{j<i} m_j e_j, per choice so far
    for i, n in enumerate(group.factors):
        images = np.flatnonzero(powers[:, n] == 0)  # the y with y^n = e
        step = powers[images][:, coords[:, i]]  # (choices, |G|): y^{m_i} for each element
        maps = group.table[maps[:, None, :], step[None, :, :]].reshape(-1, order)
    bijective = np.all(np.sort(maps, axis=1) == np.arange(order), axis=1)
    maps = maps[bijective]
    first = np.flatnonzero(np.all(maps == np.arange(order), axis=1))
    return np.concatenate([maps[first], np.delete(maps, first, axis=0)])


def relabel(sigma, g):
    """Guesses in the model's labelling g = sigma(g_true) back in the group's: sigma⁻¹(g)."""
    return np.argsort(sigma)[g]


def best_relabelling(group, x1, g, x2):
    """With no labels: the automorphism sigma that maximises the coset accuracy of
    relabel(sigma, g). Returns (sigma int (|G|,), accuracy). Ties go to the earliest
    automorphism, so the identity wins when it is as good as any."""
    correct = _coset_table(group, x1, x2)  # (B, |G|)
    g = _checks.elements("g", g, group.order, length=len(correct))
    inverses = np.argsort(automorphisms(group), axis=1)  # (A, |G|)
    scores = correct[np.arange(len(g)), inverses[:, g]].sum(axis=1)  # (A,)
    best = int(np.argmax(scores))
    return np.argsort(inverses[best]), float(scores[best] / len(g))


def anchored_relabelling(group, g, g_true):
    """With a handful of labelled pairs: the automorphism sigma with the most guesses
    g == sigma(g_true) on them (ties to the earliest). Returns sigma int (|G|,)."""
    g_true = _checks.elements("g_true", g_true, group.order)
    g = _checks.elements("g", g, group.order, length=len(g_true))
    maps = automorphisms(group)
    return maps[int(np.argmax(np.sum(maps[:, g_true] == g, axis=1)))]


def generator_images(group, sigma):
    """sigma as an int matrix (k, k): row i holds the exponents of sigma(e_i), e_i the
    generator of the i-th cyclic factor. For Z_n, [[a]] means g -> a·g."""
    if group.factors is None:
        raise ValueError(f"group: {group.name} has no cyclic factors")
    k = len(group.factors)
    generators = np.ravel_multi_index(tuple(np.eye(k, dtype=int).T), group.factors)
    return group.coordinates(np.asarray(sigma)[generators])


def accuracy_by_stabilizer(group, x1, g, g_true, x2):
    """Strict and coset accuracy split by |Stab(x1)|: {size: (count, strict, coset)}."""
    sizes = group.stabilizer_sizes(x1)
    right = coset_correct(group, x1, g, x2)
    same = _checks.elements("g", g, group.order) == _checks.elements("g_true", g_true, group.order, length=len(g))
    return {int(s): (int(np.sum(sizes == s)), float(np.mean(same[sizes == s])),
                     float(np.mean(right[sizes == s]))) for s in np.unique(sizes)}


def _coset_table(group, x1, x2):
    """bool (B, |G|): entry [b, h] says h·x1[b] == x2[b]."""
    x1 = _checks.images("x1", x1, group.shape)
    x2 = _checks.images("x2", x2, group.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    moved = x1.reshape(len(x1), -1)[:, group.perms]  # (B, |G|, n_pixels), row h is h·x1
    return np.all(moved == x2.reshape(len(x2), 1, -1), axis=2)
