"""Save trained parameters with what it takes to rebuild their model, and load them back.

A file is a numpy .npz archive read with allow_pickle=False, so loading never runs code:
    "format", "version"   the text "minidisent-params" and the integer 1
    "meta"                JSON text: model kind, image shape, latent_dim, hidden sizes,
                          the group (name, shape, order, fingerprint of its perms), the
                          operator's name, and anything else the caller adds (seed, errors…)
    "params/<key>"        one array per parameter, stored bit for bit
Loading checks the tag, the meta and that the parameters fit the model the meta names;
a truncated, foreign or mismatched file raises a ValueError that says what is wrong.

    meta = saving.describe(model, op, seed=0)
    saving.save("model.npz", params, meta)
    params, meta = saving.load("model.npz")
    model, op, params, meta = saving.restore("model.npz", groups.cyclic(16))
"""
import hashlib
import json
import os
import tempfile

import numpy as np

from . import _checks, models, operators

FORMAT, VERSION = "minidisent-params", 1
# How each model kind is rebuilt from meta; extend with new kinds.
MODELS = {"linear": lambda m: models.linear(tuple(m["shape"]), m["latent_dim"]),
          "mlp": lambda m: models.mlp(tuple(m["shape"]), m["latent_dim"], tuple(m["hidden"]))}
REQUIRED = ("model", "shape", "latent_dim", "group", "operator")


def fingerprint(group):
    """A short hash of group.perms: equal for the same group built again, a year later."""
    return hashlib.sha256(np.ascontiguousarray(group.perms, dtype="<i8").tobytes()).hexdigest()[:16]


def describe(model, op, **extra):
    """meta for `save`: the model's kind and sizes, the group and the operator, plus `extra`."""
    _checks.model_and_operator(model, op)
    shapes = model.shapes
    layers = sum(k.startswith("encoder_w") for k in shapes)
    meta = {"model": model.name, "shape": list(model.shape), "latent_dim": int(model.latent_dim),
            "group": {"name": op.group.name, "shape": list(op.group.shape),
                      "order": int(op.group.order), "fingerprint": fingerprint(op.group)},
            "operator": op.name}
    if model.name == "mlp":
        meta["hidden"] = [int(shapes[f"encoder_w{i}"][1]) for i in range(layers - 1)]
    return {**meta, **extra}


def _model(meta, where):
    """The model meta names, after checking meta has what it needs."""
    if not isinstance(meta, dict) or any(k not in meta for k in REQUIRED):
        got = sorted(meta) if isinstance(meta, dict) else type(meta).__name__
        raise ValueError(f"{where}meta: expected a dict with the keys {list(REQUIRED)} (see saving.describe), got {got}")
    if meta["model"] not in MODELS:
        raise ValueError(f"{where}meta['model']: expected one of {sorted(MODELS)}, got {meta['model']!r}")
    try:
        return MODELS[meta["model"]](meta)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{where}meta: expected the sizes of a {meta['model']} model, got {error}") from None


def _fit(model, params, where):
    try:
        models.check_params(model, params)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}the parameters do not fit the {model.name} model named in meta: {error}") from None


def save(path, params, meta):
    """Write params (dict of float arrays) and meta (JSON-able dict, see `describe`) to path
    (written whole or not at all). Raises ValueError if params do not fit the model in meta."""
    _fit(_model(meta, ""), params, "params: ")
    try:
        text = json.dumps(meta, sort_keys=True)
    except TypeError as error:
        raise TypeError(f"meta: expected JSON values (numbers, text, lists, dicts), got {error}") from None
    arrays = {"format": np.array(FORMAT), "version": np.array(VERSION), "meta": np.array(text)}
    arrays.update({f"params/{k}": np.asarray(v) for k, v in params.items()})
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as f:
        try:
            np.savez(f, **arrays)  # a file object: no ".npz" appended to the name
        except BaseException:
            os.remove(f.name)
            raise
    os.chmod(f.name, 0o644)
    os.replace(f.name, path)


def _read(path):
    """Every array in the archive at path, or a ValueError for a file that is not one."""
    def unreadable(error):
        why = ("it is neither .npy nor .npz, and unpickling it is never tried" if "pickle" in str(error)
               else f"{type(error).__name__}: {error}")
        return ValueError(f"{path}: expected a minidisent parameter file (.npz), got a file numpy cannot "
                          f"read as one (truncated or foreign?): {why}")
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise
    except Exception as error:  # zip, zlib, format and pickle errors of numpy and zipfile
        raise unreadable(error) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{path}: expected an .npz archive, got a single .npy array of shape {np.shape(archive)}")
    with archive:
        try:
            return {k: archive[k] for k in archive.files}
        except Exception as error:
            raise unreadable(error) from None


def load(path):
    """(params, meta) saved by `save`, after checking the tag, the meta and that params fit
    the model meta names. Raises ValueError for a truncated, foreign or mismatched file."""
    arrays = _read(path)
    tag = arrays.get("format")
    if tag is None or tag.shape != () or tag.dtype.kind != "U" or str(tag) != FORMAT:
        raise ValueError(f"{path}: expected the format tag {FORMAT!r}, got "
                         f"{'none' if tag is None else repr(tag.tolist())} (not a file written by saving.save)")
    version = arrays.get("version")
    if version is None or version.shape != () or version.dtype.kind not in "iu" or not 1 <= version <= VERSION:
        raise ValueError(f"{path}: expected format version 1..{VERSION}, got "
                         f"{'none' if version is None else version.tolist()}")
    try:
        meta = json.loads(str(arrays["meta"]))
    except (KeyError, ValueError) as error:
        raise ValueError(f"{path}: expected meta as JSON text, got {type(error).__name__}: {error}") from None
    params = {k[len("params/"):]: v for k, v in arrays.items() if k.startswith("params/")}
    _fit(_model(meta, f"{path}: "), params, f"{path}: ")
    return params, meta


def restore(path, group):
    """(model, op, params, meta) from path, with the operator rebuilt on `group`, which must be
    the group recorded in the file (same name, order and fingerprint of its perms)."""
    params, meta = load(path)
    saved = meta["group"]
    if not isinstance(saved, dict) or saved.get("fingerprint") != fingerprint(group) \
            or saved.get("order") != group.order:
        raise ValueError(f"group: expected the group the file was saved with ({saved}), got {group} "
                         f"with fingerprint {fingerprint(group)}")
    if meta["operator"] not in operators.OPERATORS:
        raise ValueError(f"{path}: meta['operator']: expected one of {sorted(operators.OPERATORS)}, "
                         f"got {meta['operator']!r}")
    model = _model(meta, f"{path}: ")
    return model, operators.OPERATORS[meta["operator"]](group, model.latent_dim), params, meta
