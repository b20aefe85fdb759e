"""Input checks shared by the public functions: each raises a ValueError or TypeError
whose message names the argument, what was expected and what came."""
import numpy as onp


def _describe(value):
    if isinstance(value, onp.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"


def images(name, X, shape, batched=True, finite=True, kind=onp.floating):
    """X as a float array of shape (B, *shape) (or `shape` if not batched), finite (if `finite`).
    kind=np.inexact also accepts complex arrays (codes of the complex Fourier operator)."""
    while hasattr(X, "_value"):  # accept autograd boxes (nested ones too)
        X = X._value
    if not isinstance(X, onp.ndarray):
        if isinstance(X, (list, tuple)):
            X = onp.asarray(X)
        else:
            raise TypeError(f"{name}: expected a numpy array, got {_describe(X)}")
    if not onp.issubdtype(X.dtype, kind):
        what = "float" if kind is onp.floating else "float or complex"
        raise TypeError(f"{name}: expected a {what} array, got dtype {X.dtype} "
                        "(convert with X.astype(float))")
    shape = tuple(shape)
    fits = X.ndim == len(shape) + 1 and X.shape[1:] == shape if batched else X.shape == shape
    if not fits:
        what = f"(B, {', '.join(map(str, shape))})" if batched else str(tuple(shape))
        raise ValueError(f"{name}: expected shape {what}, got {X.shape}")
    if batched and X.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one image, got an empty batch {X.shape}")
    if finite and not onp.all(onp.isfinite(X)):
        raise ValueError(f"{name}: expected finite values, got {int((~onp.isfinite(X)).sum())} NaN/inf")
    return X


def elements(name, g, order, length=None):
    """g as an int array (B,) of group elements in [0, order)."""
    g = onp.asarray(g)
    if g.dtype == bool or not onp.issubdtype(g.dtype, onp.integer):
        raise TypeError(f"{name}: expected integer group elements in [0, {order}), got dtype {g.dtype}")
    if g.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of group elements, got shape {g.shape}")
    if length is not None and len(g) != length:
        raise ValueError(f"{name}: expected {length} group elements (one per row of the batch), got {len(g)}")
    if g.size and (g.min() < 0 or g.max() >= order):
        bad = g[(g < 0) | (g >= order)][0]
        raise ValueError(f"{name}: expected group elements in [0, {order}), got {bad}")
    return g.astype(onp.intp)


def positive(name, value, integer=False):
    """A finite number > 0 (an int if `integer`)."""
    if integer:
        if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
            raise TypeError(f"{name}: expected a positive integer, got {_describe(value)}")
    elif isinstance(value, bool) or not isinstance(value, (int, float, onp.integer, onp.floating)):
        raise TypeError(f"{name}: expected a positive number, got {_describe(value)}")
    if not onp.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value}")
    return value


def nonnegative(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, onp.integer, onp.floating)):
        raise TypeError(f"{name}: expected a number >= 0, got {_describe(value)}")
    if not onp.isfinite(value) or value < 0:
        raise ValueError(f"{name}: expected a finite number >= 0, got {value}")
    return value


def seed(name, value):
    """An integer >= 0 (None would draw fresh entropy: results not reproducible)."""
    if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
        raise TypeError(f"{name}: expected an integer >= 0 (the same seed gives the same result), "
                        f"got {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name}: expected an integer >= 0, got {value}")
    return value


def generator(name, rng):
    if not isinstance(rng, onp.random.Generator):
        raise TypeError(f"{name}: expected a numpy Generator (np.random.default_rng(seed)), "
                        f"got {_describe(rng)}")
    return rng


def group(name, G):
    """A groups.Group (anything with shape, order, perms and table)."""
    if not all(hasattr(G, a) for a in ("shape", "order", "perms", "table")):
        raise TypeError(f"{name}: expected a groups.Group (e.g. groups.cyclic(16)), got {_describe(G)}")
    return G


def param_shapes(name, params, shapes, exact=False):
    """params a dict holding an array of shape shapes[k] under every key k of `shapes`
    (and no other key if `exact`)."""
    inner = params
    while hasattr(inner, "_value"):  # autograd's boxes of a dict
        inner = inner._value
    if not isinstance(inner, dict):
        raise TypeError(f"{name}: expected a dict of arrays with keys {sorted(shapes)}, got {_describe(params)}")
    keys = set(inner)
    missing = sorted(set(shapes) - keys)
    extra = sorted(keys - set(shapes)) if exact else []
    if missing or extra:
        raise ValueError(f"{name}: expected the keys {sorted(shapes)} of this model, got {sorted(keys)}"
                         + (f"; missing {missing}" if missing else "") + (f"; extra {extra}" if extra else "")
                         + " (parameters of a different model?)")
    for k, shape in shapes.items():
        if not hasattr(inner[k], "shape"):
            raise TypeError(f"{name}[{k!r}]: expected an array of shape {tuple(shape)}, got {_describe(inner[k])}")
        if tuple(inner[k].shape) != tuple(shape):
            raise ValueError(f"{name}[{k!r}]: expected shape {tuple(shape)} for this model, got "
                             f"{tuple(inner[k].shape)} (parameters of a different model?)")
    return params


def finite_floats(name, array):
    """A float array without NaN/inf."""
    while hasattr(array, "_value"):
        array = array._value
    array = onp.asarray(array)
    if not onp.issubdtype(array.dtype, onp.floating):
        raise TypeError(f"{name}: expected a float array, got dtype {array.dtype}")
    if not onp.all(onp.isfinite(array)):
        raise ValueError(f"{name}: expected finite values, got {int((~onp.isfinite(array)).sum())} NaN/inf")
    return array


def size(name, value, limit=None):
    """A positive integer (Python int, numpy int of any width) as a Python int, so that sizes
    computed from it never overflow; <= limit if given."""
    if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
        raise TypeError(f"{name}: expected a positive integer, got {_describe(value)}")
    value = int(value)
    if value <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value}")
    if limit is not None and value > limit:
        raise ValueError(f"{name}: expected at most {limit}, got {value}")
    return value


def npy_header(head):
    """(shape, fortran_order, dtype, data offset) from the first bytes `head` of a .npy
    stream (any header version); a ValueError if they do not start a .npy array."""
    import io
    fp = io.BytesIO(head)
    try:
        version = onp.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = onp.lib.format.read_array_header_1_0(fp, max_header_size=len(head))
        elif version in ((2, 0), (3, 0)):  # 3.0 differs only by a UTF-8 header (ASCII here)
            shape, fortran, dtype = onp.lib.format.read_array_header_2_0(fp, max_header_size=len(head))
        else:
            raise ValueError(f"unknown .npy version {version}")
    except Exception as error:  # ValueError, SyntaxError, struct.error... of a malformed header
        raise ValueError(f"not a .npy header ({type(error).__name__}: {error})") from None
    return shape, fortran, dtype, fp.tell()


def zip_entries(f):
    """(entries, central directory size) declared by the end record of the zip file f (read
    from its last 64 KiB only), or None if there is none; 0xFFFF.. values mean zip64."""
    import struct
    f.seek(0, 2)
    f.seek(max(0, f.tell() - 22 - 65535))
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack("<HI", tail[at + 10:at + 16])
