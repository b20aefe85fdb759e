"""Input checks shared by the public functions: each raises a ValueError or TypeError
whose message names the argument, what was expected and what came."""
import numpy as onp


def describe(value):
    """How an error message names what came: an array's shape and dtype, else type and repr."""
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
            raise TypeError(f"{name}: expected a numpy array, got {describe(X)}")
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
        raise ValueError(f"{name}: expected finite values, got {int((~onp.isfinite(X)).sum())} "
                         "NaN/inf")
    return X


def elements(name, g, order, length=None):
    """g as an int array (B,) of group elements in [0, order)."""
    g = onp.asarray(g)
    if g.dtype == bool or not onp.issubdtype(g.dtype, onp.integer):
        raise TypeError(f"{name}: expected integer group elements in [0, {order}), got dtype "
                        f"{g.dtype}")
    if g.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of group elements, got shape {g.shape}")
    if length is not None and len(g) != length:
        raise ValueError(f"{name}: expected {length} group elements (one per row of the batch), "
                         f"got {len(g)}")
    if g.size and (g.min() < 0 or g.max() >= order):
        bad = g[(g < 0) | (g >= order)][0]
        raise ValueError(f"{name}: expected group elements in [0, {order}), got {bad}")
    return g.astype(onp.intp)


def positive(name, value, integer=False):
    """A finite number > 0 (an int if `integer`)."""
    if integer:
        if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
            raise TypeError(f"{name}: expected a positive integer, got {describe(value)}")
    elif isinstance(value, bool) or not isinstance(value, (int, float, onp.integer, onp.floating)):
        raise TypeError(f"{name}: expected a positive number, got {describe(value)}")
    if not onp.isfinite(value) or value <= 0:
        what = "an integer" if integer else "a finite number"
        raise ValueError(f"{name}: expected {what} > 0, got {value}")
    return value


def nonnegative(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, onp.integer, onp.floating)):
        raise TypeError(f"{name}: expected a number >= 0, got {describe(value)}")
    if not onp.isfinite(value) or value < 0:
        raise ValueError(f"{name}: expected a finite number >= 0, got {value}")
    return value


def seed(name, value):
    """An integer >= 0 (None would draw fresh entropy: results not reproducible)."""
    if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
        raise TypeError(f"{name}: expected an integer >= 0 (the same seed gives the same result), "
                        f"got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name}: expected an integer >= 0, got {value}")
    return value


def generator(name, rng):
    if not isinstance(rng, onp.random.Generator):
        raise TypeError(f"{name}: expected a numpy Generator (np.random.default_rng(seed)), "
                        f"got {describe(rng)}")
    return rng


def group(name, G):
    """A groups.Group (anything with shape, order, perms and table)."""
    if not all(hasattr(G, a) for a in ("shape", "order", "perms", "table")):
        raise TypeError(f"{name}: expected a groups.Group (e.g. groups.cyclic(16)), got "
                        f"{describe(G)}")
    return G


def cyclic_factors(G, what):
    """G a product of cyclic groups (G.factors set), which `what` needs."""
    group("group", G)
    if G.factors is None:
        why = ("is not commutative" if not G.commutative else "was not built from cyclic factors "
               "(use cyclic, translations or rotations)")
        raise ValueError(f"group: {what} needs a product of cyclic groups; {G.name} {why}")
    return G


def latent(G, latent_dim, regular=False, minimum=1):
    """A latent size for an operator of G: a positive int >= minimum, a multiple of |G| if
    `regular` (the latent holds copies of the regular representation)."""
    group("group", G)
    positive("latent_dim", latent_dim, integer=True)
    multiple = G.order if regular else 1
    if latent_dim % multiple or latent_dim < minimum:
        need = f"a multiple of |G| = {multiple}" if multiple > 1 else f"at least {minimum}"
        raise ValueError(f"latent_dim: expected {need} for group {G.name}, got {latent_dim}")
    return int(latent_dim)


def codes(name, Z, latent_dim):
    """Z codes (B, latent_dim), B >= 1, float or complex."""
    return images(name, Z, (latent_dim,), finite=False, kind=onp.inexact)


def operator(name, op):
    """An operator such as operators.shift(G, L): group, latent_dim and apply."""
    if not all(hasattr(op, a) for a in ("group", "latent_dim", "apply")):
        raise TypeError(f"{name}: expected an Operator such as operators.shift(G, L), got "
                        f"{describe(op)}")
    return op


def model(name, m):
    """A model such as models.linear(16, 16): shape, latent_dim, init, encode, decode."""
    if not all(hasattr(m, a) for a in ("shape", "latent_dim", "init", "encode", "decode")):
        raise TypeError(f"{name}: expected a models.Model (e.g. models.linear(16, 16)), got "
                        f"{describe(m)}")
    return m


def model_and_operator(m, op):
    """model and op fit together: same latent size, op's group acts on the model's images."""
    model("model", m)
    operator("op", op)
    if op.latent_dim != m.latent_dim or tuple(op.group.shape) != tuple(m.shape):
        raise ValueError(f"op: expected an operator on latent_dim {m.latent_dim} for images of "
                         f"shape {m.shape}, got latent_dim {op.latent_dim} and shape "
                         f"{op.group.shape}")


def pairs(name, data, shape, order):
    """Checked pairs (x1, g, x2): images (B, *shape), elements (B,), one per image."""
    if not isinstance(data, (tuple, list)) or len(data) != 3:
        sized = isinstance(data, (tuple, list))
        got = f"{type(data).__name__}" + (f" of length {len(data)}" if sized else "")
        raise TypeError(f"{name}: expected a tuple (x1, g, x2), got {got}")
    x1 = images(f"{name} x1", data[0], shape)
    x2 = images(f"{name} x2", data[2], shape)
    if len(x2) != len(x1):
        raise ValueError(f"{name} x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return x1, elements(f"{name} g", data[1], order, length=len(x1)), x2


def param_shapes(name, params, shapes, exact=False):
    """params a dict holding an array of shape shapes[k] under every key k of `shapes`
    (and no other key if `exact`)."""
    inner = params
    while hasattr(inner, "_value"):  # autograd's boxes of a dict
        inner = inner._value
    if not isinstance(inner, dict):
        raise TypeError(f"{name}: expected a dict of arrays with keys {sorted(shapes)}, got "
                        f"{describe(params)}")
    keys = set(inner)
    missing = sorted(set(shapes) - keys)
    extra = sorted(keys - set(shapes)) if exact else []
    if missing or extra:
        raise ValueError(f"{name}: expected the keys {sorted(shapes)} of this model, got "
                         f"{sorted(keys)}"
                         + (f"; missing {missing}" if missing else "")
                         + (f"; extra {extra}" if extra else "")
                         + " (parameters of a different model?)")
    for k, shape in shapes.items():
        if not hasattr(inner[k], "shape"):
            raise TypeError(f"{name}[{k!r}]: expected an array of shape {tuple(shape)}, got "
                            f"{describe(inner[k])}")
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
        raise ValueError(f"{name}: expected finite values, got "
                         f"{int((~onp.isfinite(array)).sum())} NaN/inf")
    return array


def image_shape(name, shape):
    """An image shape: an int n or a tuple of positive ints -> (shape tuple, number of pixels)."""
    if isinstance(shape, bool) or not isinstance(shape, (int, onp.integer, tuple, list)):
        raise TypeError(f"{name}: expected an int n or a tuple such as (h, w), got "
                        f"{describe(shape)}")
    shape = (shape,) if isinstance(shape, (int, onp.integer)) else tuple(shape)
    for i, s in enumerate(shape):
        positive(f"{name}[{i}]", s, integer=True)
    return tuple(int(s) for s in shape), int(onp.prod([int(s) for s in shape]))


def widths(name, hidden):
    """A tuple of positive layer widths."""
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"{name}: expected a tuple of layer widths such as (64,), got "
                        f"{describe(hidden)}")
    for i, h in enumerate(hidden):
        positive(f"{name}[{i}]", h, integer=True)
    return tuple(int(h) for h in hidden)


def fit_arguments(objective, params, data, steps, batch_size, step_size, decay):
    """The door of train.fit: every argument but the seed checked once, before the first step,
    and the objective's own check of params and data if it has one (objective.check)."""
    if not callable(objective):
        raise TypeError(f"objective: expected a function objective(params, batch, rng) such as "
                        f"train.supervised_loss(model, op), got {describe(objective)}")
    if not isinstance(data, tuple) or not data:
        raise TypeError("data: expected a non-empty tuple of arrays such as (x1, g, x2), got "
                        f"{describe(data)}")
    for i, a in enumerate(data):
        if not isinstance(a, onp.ndarray) or a.ndim == 0:
            raise TypeError(f"data[{i}]: expected a numpy array with one row per example, got "
                            f"{describe(a)}")
        if onp.issubdtype(a.dtype, onp.inexact) and not onp.all(onp.isfinite(a)):
            raise ValueError(f"data[{i}]: expected finite values, got "
                             f"{int((~onp.isfinite(a)).sum())} NaN/inf")
    lengths = [len(a) for a in data]
    if len(set(lengths)) != 1 or 0 in lengths:
        raise ValueError("data: expected arrays with one common, non-zero first length, got "
                         f"lengths {lengths}")
    if not any(onp.issubdtype(a.dtype, onp.floating) for a in data):
        raise TypeError(f"data: expected at least one float array (the images), got dtypes "
                        f"{[str(a.dtype) for a in data]}")
    positive("steps", steps, integer=True)
    positive("batch_size", batch_size, integer=True)
    positive("step_size", step_size)
    positive("decay", decay)
    if decay > 1:
        raise ValueError(f"decay: expected a factor in (0, 1], got {decay}")
    param_dict(params)
    if hasattr(objective, "check"):
        objective.check(params, data)


def param_dict(params):
    """params: a non-empty dict of finite float arrays (model.init(rng)), or a TypeError /
    ValueError naming the key."""
    if not isinstance(params, dict) or not params:
        raise TypeError("params: expected a non-empty dict of float arrays (model.init(rng)), "
                        f"got {describe(params)}")
    for k, v in params.items():
        finite_floats(f"params[{k!r}]", v)
    return params


def size(name, value, limit=None):
    """A positive integer (Python int, numpy int of any width) as a Python int, so that sizes
    computed from it never overflow; <= limit if given."""
    if isinstance(value, bool) or not isinstance(value, (int, onp.integer)):
        raise TypeError(f"{name}: expected a positive integer, got {describe(value)}")
    value = int(value)
    if value <= 0:
        raise ValueError(f"{name}: expected an integer > 0, got {value}")
    if limit is not None and value > limit:
        raise ValueError(f"{name}: expected at most {limit}, got {value}")
    return value


# --- groups: the door of Group and its constructors --------------------------------

MAX_ORDER, MAX_SIZE = 4096, 2 ** 24  # |G| and |G| * n_pixels


def permutations(name, perms, shape, identity_first=True):
    perms = onp.asarray(perms)
    n = int(onp.prod(shape))
    if perms.ndim != 2 or perms.shape[1] != n or not onp.issubdtype(perms.dtype, onp.integer):
        raise ValueError(f"{name}: expected an int array (|G|, {n}) for images of shape {shape}, "
                         f"got shape {perms.shape} and dtype {perms.dtype}")
    step = max(1, 2 ** 20 // max(1, n))  # rows sorted at once
    bad = [onp.zeros(0, int)]  # the rows that are no permutation of 0..n-1
    for i in range(0, len(perms), step):
        wrong = onp.any(onp.sort(perms[i:i + step], axis=1) != onp.arange(n), axis=1)
        bad.append(i + onp.flatnonzero(wrong))
    bad = onp.concatenate(bad)
    if bad.size:
        row = perms[bad[0]]
        missing = onp.setdiff1d(onp.arange(n), row)[:5].tolist()
        which = f"row {bad[0]} = " if len(perms) > 1 else ""
        raise ValueError(f"{name}: expected a permutation of 0..{n - 1} in each row, got {which}"
                         f"{row[:12].tolist()}{' ...' if n > 12 else ''} (missing {missing})")
    if identity_first and not onp.array_equal(perms[0], onp.arange(n)):
        raise ValueError(f"{name}: expected row 0 to be the identity permutation, got "
                         f"{perms[0][:12].tolist()}{' ...' if n > 12 else ''}")
    return perms.astype(onp.intp, copy=False)


def group_size(name, order, n_pixels):
    """order and n_pixels (Python ints) within MAX_ORDER and MAX_SIZE, else a ValueError."""
    if order > MAX_ORDER or order * n_pixels > MAX_SIZE:
        raise ValueError(f"{name}: expected a group of order <= {MAX_ORDER} with |G| * n_pixels "
                         f"<= {MAX_SIZE} (2**24), got order {order} on {n_pixels} pixels "
                         f"(|G| * n_pixels = {order * n_pixels}): "
                         "its perms and multiplication table would not fit sensibly in memory")


def factors(table, factors):
    """A ValueError unless element g has the mixed-radix coordinates m(g) in
    Z_{n_1} x ... x Z_{n_k}: m(g∘h) = m(g) + m(h) (mod n). Checking the k generators e_i is
    enough: if e_i∘h has the coordinates of h plus the unit vector u_i for every h, every g
    is a product of generators with m(g) counting them, and by associativity g∘h adds m(g)
    to m(h). Cost k |G|."""
    n = onp.array(factors)
    coords = onp.stack(onp.unravel_index(onp.arange(len(table)), factors), axis=1)  # (|G|, k)
    for i, unit in enumerate(onp.eye(len(factors), dtype=int) % n):
        e = onp.ravel_multi_index(tuple(unit), factors)
        expected = onp.ravel_multi_index(tuple(((coords + unit) % n).T), factors)
        wrong = onp.flatnonzero(table[e] != expected)
        if wrong.size:
            h = wrong[0]
            raise ValueError(f"factors: expected the group Z_{' x Z_'.join(map(str, factors))} in "
                             f"mixed radix (element {e} generating factor {i}), got {e}∘{h} = "
                             f"{table[e, h]} instead of "
                             f"{expected[h]}: these factors do not describe this group")


def at_least(name, n, minimum, why):
    """n (as a Python int) an integer >= minimum, or a ValueError saying why smaller n give a
    smaller group."""
    n = size(name, n)
    if n < minimum:
        raise ValueError(f"{name}: expected n >= {minimum} ({why}), got {n}")
    return n
