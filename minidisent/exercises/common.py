"""What every checker shares: the hint, the call of the student's function on copies, the
checks of the answer's type, and a few independent computations.

A wrong answer raises `WrongAnswer` (through `hint`), an AssertionError whose message says
what was expected, what came and where to read. Jupyter (IPython) shows only that message:
it renders an exception through its `_render_traceback_` method, so the checker's own code
— which often holds a working solution — never appears in the cell's output. A plain
`python` traceback shows the frames as usual, ending in the same message.
"""
import copy
import traceback

import numpy as np


class WrongAnswer(AssertionError):
    """A wrong answer; the message is the hint."""

    def _render_traceback_(self):
        return f"{type(self).__name__}: {self}".splitlines()


def fail(message):
    raise WrongAnswer(message)


def hint(condition, message):
    if not condition:
        fail(message)


def passed(number, what):
    print(f"Exercise {number} passed: {what}")


def call(number, function, *inputs):
    """function(*copies of inputs): what the student's function does to its arguments never
    reaches the checker, which computed its expectations beforehand on its own arrays.
    If the function raises, Jupyter shows the student's frames only (not the checker's)."""
    hint(callable(function), f"Exercise {number}: expected your function itself (pass its "
         f"name, without calling it), got {came(function)}")
    try:
        return function(*copy.deepcopy(inputs))
    except Exception as error:
        own = error.__traceback__.tb_next  # the first frame of the student's function
        lines = traceback.format_exception(type(error), error, own)
        note = f"(raised by your function, called by exercises.check_{number.replace('.', '_')})"
        try:
            error._render_traceback_ = lambda: "".join(lines).splitlines() + [note]
        except AttributeError:  # an exception class with __slots__: shown as it is
            pass
        raise


def came(value):
    """What came, in words: `None`, `str '4'`, `float 4.9`, `float16 array of shape (3,)`."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return f"{type(value).__name__} {text[:40]}{'...' if len(text) > 40 else ''}"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return f"{type(value).__name__} {value!r}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def _real_kind(number, name, array, value, whole, want, any_float=False):
    """WrongAnswer unless `array` holds real numbers of the expected kind (int, or float64)."""
    kind = array.dtype.kind
    sequence = isinstance(value, (list, tuple, np.ndarray))
    objects = "an array of Python objects (dtype object)" if sequence else came(value)
    hint(kind not in "OUSVMm", f"Exercise {number}: expected {name} as {want}, got "
         f"{objects if kind == 'O' else came(value)}")
    hint(kind != "c", f"Exercise {number}: expected {name} as {want}, got {came(value)}, "
         "complex: keep the real part only once you know the imaginary part is 0")
    hint(kind != "b", f"Exercise {number}: expected {name} as {want}, got booleans")
    if whole:
        hint(kind in "iu", f"Exercise {number}: expected {name} as {want}, got {came(value)}: "
             "keep whole numbers whole (int(...), //, or np.round(...).astype(int))")
    else:
        precise = array.dtype in (np.float64, np.longdouble)
        hint(kind in "iu" or precise or (any_float and kind == "f"),
             f"Exercise {number}: expected {name} as {want}, got {came(value)}: compute in "
             "float64 (numpy's default), the checker compares many digits")
        flat = np.ravel(array)
        bad = flat[~np.isfinite(flat)]
        which = " and ".join(sorted({str(v) for v in bad.tolist()}))  # 'inf and nan'
        count = f" ({bad.size} of {flat.size})" if array.ndim else ""
        finite = "finite numbers" if array.ndim else "a finite number"
        hint(not bad.size, f"Exercise {number}: expected {name} as {finite}, got {which}{count}")


def number(number, name, value, whole=False):
    """The answer as one Python float (or int when whole), or WrongAnswer saying what came."""
    plain = isinstance(value, (int, float, complex, np.generic)) and not isinstance(value, bool)
    scalar = isinstance(value, np.ndarray) and value.ndim == 0
    want = "one whole number (an int)" if whole else "one real number (a float)"
    hint(plain or scalar, f"Exercise {number}: expected {name} as {want}, got {came(value)}")
    _real_kind(number, name, np.asarray(value), value, whole, want)
    return int(value) if whole else float(value)


def array(number, name, value, shape=None, ndim=None, whole=False, dtype=None,
          any_float=False):
    """The answer as a numpy array (a copy) of real numbers — int when whole (or when dtype is
    an integer type), float64 (or int; any float type with any_float) otherwise — of the
    given shape or number of dimensions, or WrongAnswer saying what came."""
    whole = whole or (dtype is not None and np.issubdtype(dtype, np.integer))
    hint(value is not None and not isinstance(value, (str, bytes, dict, set)),
         f"Exercise {number}: expected {name} as an array, got {came(value)}")
    try:
        result = np.array(value)
    except (TypeError, ValueError):
        result = None
    hint(result is not None, f"Exercise {number}: expected {name} as an array, got "
         f"{came(value)}, which numpy cannot read as one (rows of different lengths?)")
    if whole and result.size == 0 and result.dtype.kind == "f":
        result = result.astype(int)  # an empty list
    want = "whole numbers (int)" if whole else "real numbers (float64)"
    _real_kind(number, name, result, value, whole, want, any_float)
    if ndim is not None:
        hint(result.ndim == ndim, f"Exercise {number}: expected {name} as a {ndim}-D array, "
             f"got {came(value) if isinstance(value, np.ndarray) else f'shape {result.shape}'}")
    if shape is not None:
        hint(result.shape == tuple(shape), f"Exercise {number}: expected {name} of shape "
             f"{tuple(shape)}, got shape {result.shape}")
    return result


def elements(number, name, value, order, group="G"):
    """The answer as distinct group elements: int array of values in [0, order), sorted."""
    h = array(number, name, value, ndim=1, whole=True)
    outside = sorted({int(e) for e in h if not 0 <= e < order})
    hint(not outside, f"Exercise {number}: your {name} include {outside[:5]}, not in {group}: "
         f"its elements are the integers 0 .. {order - 1}")
    values, counts = np.unique(h, return_counts=True)
    twice = values[counts > 1].tolist()
    hint(not twice, f"Exercise {number}: your {name} repeat {twice[:5]}: list each element "
         "once")
    return values


def parts(number, what, value, count):
    """The answer as a tuple of `count` parts (a tuple or a list)."""
    hint(isinstance(value, (tuple, list)) and len(value) == count,
         f"Exercise {number}: expected {what}, got {came(value)}")
    return tuple(value)


def plural(count, one, many):
    """'1 class', '6 classes'."""
    return f"{count} {one if count == 1 else many}"


def close(a, b, tolerance=1e-8):
    return abs(a - b) <= tolerance * max(1.0, abs(b))


# ---- independent computations --------------------------------------------------------------

def rolls(x):
    """x (n,) -> (n, n), row m is x rolled by m: the orbit under Z_n, built with np.roll."""
    return np.stack([np.roll(x, m) for m in range(len(x))])


def periodic(n, p, rng):
    """A signal of n pixels with period exactly p (p divides n): p random values tiled."""
    return np.tile(rng.normal(size=p), n // p)


def residual_in_g(X, frequencies):
    """Relative error of the best prediction of the whole orbits of X (B, n) by a function of
    g holding only the given frequencies in g (a least-squares fit per pixel, per signal)."""
    n = X.shape[1]
    g = np.arange(n)
    waves = [f(2 * np.pi * k * g / n) for k in frequencies if k for f in (np.cos, np.sin)]
    basis = np.column_stack([np.ones(n)] + waves)  # (n, columns)
    U, s, _ = np.linalg.svd(basis, full_matrices=False)
    Q = U[:, s > 1e-9 * s[0]]  # orthonormal basis of the functions of g the model can output
    orbits = np.stack([rolls(x) for x in X])  # (B, n_g, n_pixels)
    fitted = np.einsum("gc,hc,bhp->bgp", Q, Q, orbits)
    return np.sum((orbits - fitted) ** 2) / np.sum(orbits ** 2)


def cyclic_characters(n):
    return np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)  # chi[f, g]


def eigen_multiplicities(generator_matrix, n, tolerance=0.1):
    """Multiplicity of each irrep f of Z_n in psi, counted from the eigenvalues e^{2πif/n}
    of psi(1) (an independent route to what the character formula gives); None when the
    eigenvalues are not n-th roots of unity (not a representation of Z_n)."""
    angles = np.angle(np.linalg.eigvals(generator_matrix)) * n / (2 * np.pi)
    nearest = np.round(angles)
    if not np.all(np.abs(angles - nearest) < tolerance):
        return None
    return np.bincount(nearest.astype(int) % n, minlength=n)

