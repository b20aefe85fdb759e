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
