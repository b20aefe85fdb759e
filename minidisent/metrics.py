"""How well a trained model predicts x2 = g·x1, and how equivariant its code is.

Every error is relative: a sum of squared differences over a sum of squared targets, so 0
is perfect and 1 is as bad as predicting zero. Computed in float64 whatever the input's
float type, scaled before squaring so that huge or tiny values stay finite.
"""
import numpy as np

from . import _checks
from .models import check_params
from .train import predict


def relative_error(pred, target):
    """Σ‖pred − target‖² / Σ‖target‖² over a batch (B, ...)."""
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"pred: expected the target's shape {target.shape}, got {pred.shape}")
    pred = _checks.finite_floats("pred", pred).astype(np.float64)
    target = _checks.finite_floats("target", target).astype(np.float64)
    if not np.any(target):
        raise ValueError("target: expected a non-zero array (the error is relative to it), got "
                         f"all zeros of shape {target.shape}")
    # both divided by a power of two near their size: exact, and nothing overflows when squared
    scale = np.ldexp(1.0, np.frexp(max(np.max(np.abs(pred)), np.max(np.abs(target))))[1])
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        error = float(np.sum(((pred - target) / scale) ** 2) / np.sum((target / scale) ** 2))
    if not np.isfinite(error):
        raise ValueError(f"pred: expected predictions within about 1e300 times the target's size, "
                         f"got values up to {np.max(np.abs(pred)):.3g} against a target up to "
                         f"{np.max(np.abs(target)):.3g}")
    return error


def _pairs(model, params, op, pairs):
    """The door of every metric: model, params and op fit together, pairs (x1, g, x2) checked."""
    _checks.model_and_operator(model, op)
    check_params(model, params)
    return _checks.pairs("pairs", pairs, model.shape, op.group.order)


def prediction_error(model, params, op, pairs):
    """Relative error of decode(psi(g) encode(x1)) against x2 on pairs (x1, g, x2)."""
    x1, g, x2 = _pairs(model, params, op, pairs)
    return relative_error(predict(model, params, op, x1, g), x2)


def equivariance_error(model, params, op, pairs):
    """Σ‖encode(x2) − psi(g) encode(x1)‖² / Σ‖encode(x2)‖²: 0 for an equivariant encoder."""
    x1, g, x2 = _pairs(model, params, op, pairs)
    return relative_error(op(model.encode(params, x1), g), model.encode(params, x2))


def by_symmetry(model, params, op, pairs):
    """Both errors on all pairs and split by x1's stabilizer: trivial ("generic") or not
    ("symmetric"). Returns {"prediction": {...}, "equivariance": {...}}, each
    {"all": e, "generic": e, "symmetric": e} (NaN for an empty class)."""
    x1, g, x2 = _pairs(model, params, op, pairs)
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
    x1, g, x2 = _pairs(model, params, op, pairs)
    sizes = op.group.stabilizer_sizes(x1)
    return {int(s): (int(np.sum(sizes == s)),
                     prediction_error(model, params, op,
                                      (x1[sizes == s], g[sizes == s], x2[sizes == s])))
            for s in np.unique(sizes)}
