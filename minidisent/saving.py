"""Save trained parameters with what it takes to rebuild their model, and load them back.

A file is a numpy .npz archive read with allow_pickle=False, so loading never runs code:
    "format", "version"   the text "minidisent-params" and the integer 1
    "meta"                JSON text: model kind, image shape, latent_dim, hidden sizes,
                          the group (name, shape, order, fingerprint of its perms), the
                          operator's name, and anything else the caller adds (seed, errors…)
    "params/<key>"        one array per parameter, stored bit for bit
Loading checks the tag, the meta and that the parameters fit the model the meta names;
a truncated, foreign, mismatched or hostile file raises a ValueError naming the file. A
file is hostile until checked, and checking costs little: only a regular file is opened,
the zip directory is checked (names, count, declared sizes, compression ratio) before any
entry is inflated, meta is bounded (MAX_META characters, sizes up to MAX_WIDTH, at most
MAX_PARAMS parameters) and the parameter shapes are computed from it (expected_shapes),
so no model is built and no entry is inflated beyond the size its array must have; the
arrays' headers are read first and together may take at most MAX_BYTES, in float16, 32 or 64
(no extended precision), so what load allocates is bounded in bytes, not only in count.

    meta = saving.describe(model, op, seed=0)
    saving.save("model.npz", params, meta)
    params, meta = saving.load("model.npz")
    model, op, params, meta = saving.restore("model.npz", groups.cyclic(16))
"""
import hashlib
import json
import math
import os
import re
import types
import zipfile

import numpy as np

from . import _checks, _files, _writing, models, operators

FORMAT, VERSION = "minidisent-params", 1
# How each model kind is rebuilt from meta; extend with new kinds (and expected_shapes).
MODELS = {"linear": lambda m: models.linear(tuple(m["shape"]), m["latent_dim"]),
          "mlp": lambda m: models.mlp(tuple(m["shape"]), m["latent_dim"], tuple(m["hidden"]))}
REQUIRED = ("model", "shape", "latent_dim", "group", "operator")
# Bounds on what a file may declare, checked before anything is built or inflated.
MAX_PARAMS = 10 ** 8      # parameters in total
MAX_BYTES = 2 ** 28       # bytes of parameter arrays in total (256 MiB: 33.5 million float64)
FLOATS = ("float16", "float32", "float64")  # no extended precision: no model here computes in it
MAX_WIDTH = 2 ** 24       # pixels of an image, latent_dim, each hidden width, group order
MAX_LAYERS = 16           # hidden layers of an mlp
MAX_META = 2 ** 16        # characters of meta's JSON text
MAX_ENTRIES = 3 + 4 * (MAX_LAYERS + 1)  # format, version, meta and the parameters
HEADER = 10_000           # bytes read to parse a .npy header (numpy's own bound)
# entry name -> its largest size in bytes
ENTRIES = {"format.npy": 1024, "version.npy": 1024, "meta.npy": HEADER + 4 * MAX_META}
PARAM = re.compile(r"params/(\w{1,64})\.npy")


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


def _short(value, most=60):
    text = repr(value)
    return text if len(text) <= most else text[:most] + "..."


def _check_meta(meta, where):
    """A ValueError naming `where` unless meta is a dict with REQUIRED keys of the right types
    and sizes within the bounds above (checked arithmetically: nothing is built)."""
    if not isinstance(meta, dict) or any(k not in meta for k in REQUIRED):
        got = sorted(map(str, meta)) if isinstance(meta, dict) else type(meta).__name__
        raise ValueError(f"{where}meta: expected a dict with the keys {list(REQUIRED)} "
                         f"(see saving.describe), got {got}")

    def size(key, value, limit=MAX_WIDTH):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            raise ValueError(f"{where}meta[{key}]: expected an integer in [1, {limit}], got "
                             f"{_short(value)}")

    def sizes(key, value, most):
        if not isinstance(value, (list, tuple)) or len(value) > most:
            raise ValueError(f"{where}meta[{key}]: expected a list of at most {most} sizes, got "
                             f"{_short(value)}")
        for i, s in enumerate(value):
            size(f"{key}][{i}", s)

    def text(key, value, choices=None):
        if not isinstance(value, str) or choices is not None and value not in choices:
            what = f"one of {sorted(choices)}" if choices is not None else "a name (text)"
            raise ValueError(f"{where}meta[{key}]: expected {what}, got {_short(value)}")

    text("'model'", meta["model"], MODELS)
    text("'operator'", meta["operator"])
    sizes("'shape'", meta["shape"], 8)
    if not meta["shape"] or math.prod(meta["shape"]) > MAX_WIDTH:
        raise ValueError(f"{where}meta['shape']: expected images of 1 to {MAX_WIDTH} pixels, "
                         f"got {meta['shape']}")
    size("'latent_dim'", meta["latent_dim"])
    if meta["model"] == "mlp":
        sizes("'hidden'", meta.get("hidden"), MAX_LAYERS)
    group = meta["group"]
    if not isinstance(group, dict) or any(k not in group
                                          for k in ("name", "shape", "order", "fingerprint")):
        raise ValueError(f"{where}meta['group']: expected a dict with name, shape, order and "
                         f"fingerprint (see saving.describe), got {_short(group)}")
    text("'group']['name'", group["name"])
    text("'group']['fingerprint'", group["fingerprint"])
    sizes("'group']['shape'", group["shape"], 8)
    size("'group']['order'", group["order"])
    total = sum(math.prod(s) for s in expected_shapes(meta).values())
    if total > MAX_PARAMS:
        raise ValueError(f"{where}meta: expected a model of at most {MAX_PARAMS} parameters, got a "
                         f"{meta['model']} model of {total} (shape {meta['shape']}, "
                         f"latent_dim {meta['latent_dim']})")


def expected_shapes(meta):
    """{key: shape} of the parameters of the model meta names: model.shapes, which the model
    constructors compute from the sizes alone (nothing drawn or allocated)."""
    return MODELS[meta["model"]](meta).shapes


def _model(meta, where):
    """The model meta names, after checking meta (cheap: models.linear/mlp draw nothing)."""
    _check_meta(meta, where)
    return MODELS[meta["model"]](meta)


def _bytes(sizes, where):
    """A ValueError unless sizes {key: (shape, dtype)} are float16/32/64 arrays of at most
    MAX_BYTES in total (what load allocates; save refuses what load would)."""
    for k, (shape, dtype) in sizes.items():
        if dtype.kind != "f" or dtype.name not in FLOATS:
            extended = " (extended precision: no model here computes in it)" \
                if dtype.kind in "fc" and dtype.itemsize > 8 else ""
            raise ValueError(f"{where}params[{k!r}]: expected a float array of {'/'.join(FLOATS)}, "
                             f"got dtype {dtype}{extended}")
    total = sum(math.prod(shape) * dtype.itemsize for shape, dtype in sizes.values())
    if total > MAX_BYTES:
        raise ValueError(f"{where}params: expected at most {MAX_BYTES} bytes "
                         f"({MAX_BYTES >> 20} MiB) of arrays, got {total} bytes "
                         f"({total / 2 ** 20:.0f} MiB) (nothing allocated)")


def _fit(meta, params, where):
    """A ValueError unless params hold exactly the finite float arrays of expected_shapes(meta),
    float16/32/64 of at most MAX_BYTES in total."""
    try:
        _checks.param_shapes("params", params, expected_shapes(meta), exact=True)
        for k, v in params.items():
            _checks.finite_floats(f"params[{k!r}]", v)
        _bytes({k: (np.shape(v), np.asarray(v).dtype) for k, v in params.items()}, "")
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}the parameters do not fit the {meta['model']} model named in "
                         f"meta: {error}") from None


def save(path, params, meta):
    """Write params (dict of float arrays) and meta (JSON-able dict, see `describe`) to path
    (written whole or not at all, through _writing.replace_together: an unnamed temporary file
    in path's folder on Linux, which nothing, not even SIGKILL, can leave behind; elsewhere a
    named one written with SIGINT/SIGTERM held, removed on any failure). A symbolic link at
    path is replaced, not written through. Raises ValueError if params do not fit the model
    in meta, OSError naming path if it cannot be written (a folder, a missing or unwritable
    folder, a read-only file)."""
    _check_meta(meta, "")
    _fit(meta, params, "params: ")
    try:
        text = json.dumps(meta, sort_keys=True)
    except TypeError as error:
        raise TypeError("meta: expected JSON values (numbers, text, lists, dicts), got "
                        f"{error}") from None
    if len(text) > MAX_META:
        raise ValueError(f"meta: expected at most {MAX_META} characters of JSON (load refuses "
                         f"more), got {len(text)}")
    arrays = {"format": np.array(FORMAT), "version": np.array(VERSION), "meta": np.array(text)}
    arrays.update({f"params/{k}": np.asarray(v) for k, v in params.items()})
    path = os.fspath(path)
    if not path:
        raise ValueError("path: expected a file name, got ''")
    # np.savez to a file object: no ".npz" appended to the name
    _writing.replace_together({path: lambda f: np.savez(f, **arrays)})


def _foreign(path, why):
    return ValueError(f"{path}: expected a minidisent parameter file (.npz), got a file numpy "
                      f"cannot read as one (truncated or foreign?): {why}")


def _open(path):
    """(file, zip archive, {name: ZipInfo}) of path, checked from its directory alone (see
    _files.zip_members): a regular file, few entries of known names, sizes within bounds."""
    f = _files.regular_file(path)
    try:
        head = f.read(HEADER)
        if head.startswith(b"\x93NUMPY"):
            try:
                why = f"a single .npy array of shape {_files.npy_header(head)[0]}"
            except ValueError as error:
                raise _foreign(path, error) from None
            raise ValueError(f"{path}: expected an .npz archive, got {why}")
        limit = lambda name: ENTRIES.get(name, HEADER + MAX_BYTES if PARAM.fullmatch(name)
                                         else None)
        try:
            return (f,) + _files.zip_members(f, limit, MAX_ENTRIES)
        except ValueError as error:
            raise ValueError(f"{path}: expected an archive written by saving.save (entries "
                             f"{sorted(ENTRIES)} and params/<key>.npy), got {error}; nothing "
                             "inflated") from None
        except zipfile.BadZipFile as error:
            why = ("it is neither .npy nor .npz, and unpickling it is never tried"
                   if head[:1] == b"\x80" else error)
            raise _foreign(path, why) from None
    except BaseException:
        f.close()
        raise


def _header(archive, info, path):
    try:
        return _files.npy_member(archive, info, HEADER)
    except ValueError as error:
        raise _foreign(path, error) from None


def _array(archive, info, path):
    try:
        return _files.npy_array(archive, info)
    except ValueError as error:
        raise _foreign(path, error) from None


def _scalar(archive, entries, name, kinds, path):
    """The 0-d array stored under name, None if absent or not 0-d of a dtype kind in `kinds`."""
    if name not in entries:
        return None
    shape, dtype = _header(archive, entries[name], path)
    return _array(archive, entries[name], path) if shape == () and dtype.kind in kinds else None


def load(path):
    """(params, meta) saved by `save`, after checking the tag, the meta and that params fit
    the model meta names. Raises ValueError naming path for a truncated, foreign, mismatched
    or hostile file, checking sizes before inflating or building anything."""
    f, archive, entries = _open(path)
    with f, archive:
        tag = _scalar(archive, entries, "format.npy", "U", path)
        if tag is None or str(tag) != FORMAT:
            raise ValueError(f"{path}: expected the format tag {FORMAT!r}, got "
                             f"{'none' if tag is None else repr(tag.tolist())} "
                             "(not a file written by saving.save)")
        version = _scalar(archive, entries, "version.npy", "iu", path)
        if version is None or not 1 <= version <= VERSION:
            raise ValueError(f"{path}: expected format version 1..{VERSION}, got "
                             f"{'none' if version is None else version.tolist()}")
        text = _scalar(archive, entries, "meta.npy", "U", path)
        try:
            if text is None:
                raise ValueError("no text entry 'meta'")
            meta = json.loads(str(text))
        except (ValueError, RecursionError) as error:
            raise ValueError(f"{path}: expected meta as JSON text, got {type(error).__name__}: "
                             f"{_short(str(error))}") from None
        _check_meta(meta, f"{path}: ")
        shapes = expected_shapes(meta)
        declared = {PARAM.fullmatch(name)[1]: info for name, info in entries.items()
                    if PARAM.fullmatch(name)}
        stubs = {k: types.SimpleNamespace(shape=shapes.get(k, ())) for k in declared}
        try:
            _checks.param_shapes("params", stubs, shapes, exact=True)
            # the declared size bounds the array: no inflating past it
            for k, shape in shapes.items():
                if declared[k].file_size > HEADER + 16 * math.prod(shape):
                    raise ValueError(f"params[{k!r}]: expected an array {shape}, got an entry "
                                     f"declaring {declared[k].file_size} bytes (not inflated)")
            headers = {}
            for k, shape in shapes.items():
                got, dtype = headers[k] = _header(archive, declared[k], path)
                if dtype.kind != "f":
                    raise ValueError(f"params[{k!r}]: expected a float array, got dtype {dtype}")
                _checks.param_shapes("params", {k: types.SimpleNamespace(shape=got)}, {k: shape})
            _bytes(headers, "")  # the bytes the arrays will take, before any is inflated
        except ValueError as error:
            if str(error).startswith(str(path)):
                raise
            raise ValueError(f"{path}: the parameters do not fit the {meta['model']} model "
                             f"named in meta: {error}") from None
        params = {k: _array(archive, declared[k], path) for k in shapes}
    _fit(meta, params, f"{path}: ")
    return params, meta


def restore(path, group):
    """(model, op, params, meta) from path, with the operator rebuilt on `group`, which must be
    the group recorded in the file (same name, shape, order and fingerprint of its perms) and
    act on images of the model's shape."""
    params, meta = load(path)
    _checks.group("group", group)
    saved = meta["group"]
    if (saved["name"], tuple(saved["shape"]), saved["order"], saved["fingerprint"]) != \
            (group.name, group.shape, group.order, fingerprint(group)):
        raise ValueError("group: expected the group the file was saved with "
                         f"({_short(saved, 200)}), got {group} with fingerprint "
                         f"{fingerprint(group)} (file {path})")
    if tuple(meta["shape"]) != group.shape:
        raise ValueError(f"{path}: meta['shape']: expected the shape {group.shape} of the group, "
                         f"got {meta['shape']}")
    if meta["operator"] not in operators.OPERATORS:
        raise ValueError(f"{path}: meta['operator']: expected one of "
                         f"{sorted(operators.OPERATORS)}, got {meta['operator']!r}")
    model = _model(meta, f"{path}: ")
    try:
        op = operators.OPERATORS[meta["operator"]](group, model.latent_dim)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: meta: the {meta['operator']} operator cannot be built on "
                         f"{group} with latent_dim {model.latent_dim}: {error}") from None
    return model, op, params, meta
