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
