"""Finite groups acting on images by exact pixel permutations.

An element g is an integer in [0, |G|), 0 the identity. It acts on an image x by
    (g·x).ravel() == x.ravel()[perms[g]]
so g·(h·x) has the permutation perms[h][perms[g]], and table[g, h] is its index.
"""
import numpy as np

from . import _checks


class Group:
    """A finite group of pixel permutations of images of a fixed `shape`.

    perms   int (|G|, n_pixels), row 0 the identity
    table   int (|G|, |G|), table[g, h] = index of g∘h (apply h first, then g)
    inverse int (|G|,), table[g, inverse[g]] == 0
    factors orders (n_1, ..., n_k) when the group is Z_{n_1} x ... x Z_{n_k} with
            g = sum_i m_i * prod_{j>i} n_j (mixed radix); None otherwise
    """

    def __init__(self, name, shape, perms, factors=None):
        self.name, self.shape = name, tuple(int(s) for s in shape)
        self.perms = _check_perms("perms", perms, self.shape)
        self.order, self.n_pixels = self.perms.shape
        self.factors = None if factors is None else tuple(int(f) for f in factors)
        if self.factors is not None and int(np.prod(self.factors)) != self.order:
            raise ValueError(f"factors: expected orders multiplying to {self.order}, got {self.factors}")
        self.table = _multiplication_table(self.perms)
        self.inverse = np.argmin(self.table, axis=1)  # the h with g∘h == 0
        self.commutative = bool(np.array_equal(self.table, self.table.T))

    def __repr__(self):
        return f"Group({self.name!r}, shape={self.shape}, order={self.order})"

    def act(self, X, g):
        """X (B, *shape), g int (B,) -> (B, *shape), row b is g[b]·X[b].
        A single image (*shape) with one integer g gives one image."""
        if np.ndim(g) == 0 and np.ndim(X) != len(self.shape) + 1:  # one image, one element
            x = _checks.images("X", X, self.shape, batched=False)
            return self.act(x[None], np.asarray([g]))[0]
        X = _checks.images("X", X, self.shape)
        g = _checks.elements("g", g, self.order, length=len(X))
        flat = X.reshape(len(X), -1)
        return np.take_along_axis(flat, self.perms[g], axis=1).reshape(X.shape)

    def orbit(self, x):
        """x (*shape) -> (|G|, *shape), row g is g·x."""
        x = _checks.images("x", x, self.shape, batched=False)
        return x.ravel()[self.perms].reshape((self.order,) + self.shape)

    def stabilizer(self, x):
        """Int array of the elements g with g·x == x exactly (always contains 0)."""
        orbit = self.orbit(x).reshape(self.order, -1)
        return np.flatnonzero(np.all(orbit == orbit[0], axis=1))

    def stabilizer_sizes(self, X):
        """X (B, *shape) -> int (B,), |stabilizer| of each image (1 = generic)."""
        X = _checks.images("X", X, self.shape)
        flat = X.reshape(len(X), -1)
        chunk = max(1, 2 ** 22 // self.perms.size)  # rows per pass: at most ~4M moved pixels in memory
        return np.concatenate([np.all(flat[i:i + chunk, self.perms] == flat[i:i + chunk, None, :], axis=2)
                               .sum(axis=1) for i in range(0, len(flat), chunk)])  # (B,)

    def coordinates(self, g):
        """g int (B,) -> int (B, k): the element's exponent in each cyclic factor."""
        if self.factors is None:
            raise ValueError(f"group: expected a product of cyclic groups (factors), got {self.name} "
                             "which has no cyclic factors")
        g = _checks.elements("g", g, self.order)
        return np.stack(np.unravel_index(g, self.factors), axis=1)


def _check_perms(name, perms, shape, identity_first=True):
    perms = np.asarray(perms)
    n = int(np.prod(shape))
    if perms.ndim != 2 or perms.shape[1] != n or not np.issubdtype(perms.dtype, np.integer):
        raise ValueError(f"{name}: expected an int array (|G|, {n}) for images of shape {shape}, "
                         f"got shape {perms.shape} and dtype {perms.dtype}")
    bad = np.flatnonzero(np.any(np.sort(perms, axis=1) != np.arange(n), axis=1))
    if bad.size:
        row = perms[bad[0]]
        missing = np.setdiff1d(np.arange(n), row)[:5].tolist()
        which = f"row {bad[0]} = " if len(perms) > 1 else ""
        raise ValueError(f"{name}: expected a permutation of 0..{n - 1} in each row, got {which}"
                         f"{row[:12].tolist()}{' ...' if n > 12 else ''} (missing {missing})")
    if identity_first and not np.array_equal(perms[0], np.arange(n)):
        raise ValueError(f"{name}: expected row 0 to be the identity permutation, got "
                         f"{perms[0][:12].tolist()}{' ...' if n > 12 else ''}")
    return perms.astype(np.intp)


def _multiplication_table(perms):
    """table[g, h] = index of perms[h][perms[g]]; raises if the set is not closed.
    Rows are found by an integer hash (exact arithmetic mod 2**64), then compared in full."""
    weights = np.random.default_rng(0).integers(1, 2 ** 62, size=perms.shape[1])
    keys = perms @ weights  # (|G|,)
    order = np.argsort(keys)
    if np.any(keys[order][1:] == keys[order][:-1]):
        same = np.flatnonzero(keys[order][1:] == keys[order][:-1])[0]
        i, j = sorted(order[same:same + 2])
        if np.array_equal(perms[i], perms[j]):
            raise ValueError(f"perms: expected distinct permutations, got row {j} equal to row {i}")
        raise ValueError("perms: two different rows share a hash; please report this")  # ~2**-60
    table = np.empty((len(perms), len(perms)), dtype=np.intp)
    for g in range(len(perms)):
        composed = perms[:, perms[g]]  # row h is perms[h][perms[g]], the permutation of g∘h  (|G|, n)
        found = order[np.minimum(np.searchsorted(keys[order], composed @ weights), len(perms) - 1)]
        wrong = np.flatnonzero(np.any(perms[found] != composed, axis=1))
        if wrong.size:
            h = wrong[0]
            raise ValueError(f"perms: expected a set closed under composition (a group), got rows "
                             f"{g}∘{h} = {composed[h][:12].tolist()} which is not a row")
        table[g] = found
    return table


def _roll_perms(shape, shifts):
    """Permutations of np.roll(x, s, axis=all) for every shift s in `shifts`."""
    grid = np.arange(int(np.prod(shape))).reshape(shape)
    axes = tuple(range(len(shape)))
    return np.stack([np.roll(grid, s, axis=axes).ravel() for s in shifts])


def cyclic(n):
    """Z_n shifting a ring of n pixels: element m is np.roll(x, m)."""
    _checks.positive("n", n, integer=True)
    return Group(f"Z_{n}", (n,), _roll_perms((n,), [(m,) for m in range(n)]), factors=(n,))


def translations(shape):
    """Z_h x Z_w translating an h x w torus: element a*w + b is np.roll(x, (a, b), (0, 1))."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape: expected a tuple (h, w), got {shape!r}")
    h, w = (_checks.positive(f"shape[{i}]", s, integer=True) for i, s in enumerate(shape))
    shifts = [(a, b) for a in range(h) for b in range(w)]
    return Group(f"Z_{h}xZ_{w}", (h, w), _roll_perms((h, w), shifts), factors=(h, w))


def rotations(n):
    """C_4 rotating an n x n image by 90°: element k is np.rot90(x, k)."""
    _at_least("n", n, 2, "a 1 x 1 image is fixed by every rotation")
    grid = np.arange(n * n).reshape(n, n)
    return Group(f"C_4({n}x{n})", (n, n), np.stack([np.rot90(grid, k).ravel() for k in range(4)]),
                 factors=(4,))


def generate(shape, generators, name="generated"):
    """The group generated by pixel permutations (each an int array of n_pixels, in the
    convention of `perms`), found by closure; elements in breadth-first order from 0."""
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"shape: expected a tuple such as (n,) or (h, w), got {type(shape).__name__} {shape!r}")
    shape = tuple(shape)
    for i, s in enumerate(shape):
        _checks.positive(f"shape[{i}]", s, integer=True)
    n = int(np.prod(shape))
    if not isinstance(generators, (list, tuple)) and not (
            isinstance(generators, np.ndarray) and generators.ndim == 2):
        raise TypeError("generators: expected a list of permutations (int arrays of "
                        f"{n} pixel indices), got {_checks._describe(generators)}")
    gens = []
    for i, p in enumerate(generators):
        p = np.asarray(p)
        if p.shape not in ((n,), shape):
            raise ValueError(f"generators[{i}]: expected a permutation of {n} pixels for images of "
                             f"shape {shape} (shape ({n},) or {shape}), got shape {p.shape} ({p.size} entries)")
        if not np.issubdtype(p.dtype, np.integer):
            raise ValueError(f"generators[{i}]: expected an int array of pixel indices, got dtype {p.dtype}")
        gens.append(_check_perms(f"generators[{i}]", p.reshape(1, n), shape, identity_first=False)[0])
    found, frontier = {np.arange(n).tobytes(): np.arange(n)}, [np.arange(n)]
    while frontier:
        new = []
        for p in frontier:
            for s in gens:
                q = p[s]  # the permutation of s∘p
                if q.tobytes() not in found:
                    found[q.tobytes()] = q
                    new.append(q)
        frontier = new
    return Group(name, shape, np.stack(list(found.values())))


def translations_rotations(n):
    """Translations and 90° rotations of an n x n torus (order 4n², not commutative)."""
    _at_least("n", n, 3, "for n <= 2 a rotation moves the pixels as a translation does, so fewer than "
              "4n² elements")
    grid = np.arange(n * n).reshape(n, n)
    return generate((n, n), [np.roll(grid, 1, axis=1).ravel(), np.rot90(grid).ravel()],
                    name=f"p4({n}x{n})")


def dihedral(n):
    """Rotations by 90° and reflections of an n x n image (order 8)."""
    _at_least("n", n, 2, "a 1 x 1 image is fixed by every rotation and reflection")
    grid = np.arange(n * n).reshape(n, n)
    return generate((n, n), [np.rot90(grid).ravel(), grid[:, ::-1].ravel()], name=f"D_4({n}x{n})")


def _at_least(name, n, minimum, why):
    """n an integer >= minimum, or a ValueError saying why smaller n give a smaller group."""
    _checks.positive(name, n, integer=True)
    if n < minimum:
        raise ValueError(f"{name}: expected n >= {minimum} ({why}), got {n}")


def interpolated_rotation(X, degrees):
    """Rotate images X (B, n, n) by any angle about the grid centre with bilinear
    interpolation (pixels taken from outside the grid count as 0) -> (B, n, n).

    Opt-in and NOT a group action: it blurs and loses the corners, so ten rotations by
    36° do not give back X (exact permutations such as `rotations` do). At multiples of
    90° it agrees with np.rot90(x, k) up to rounding."""
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[1] != X.shape[2]:
        raise ValueError(f"X: expected square images (B, n, n), got shape {X.shape}")
    X = _checks.images("X", X, X.shape[1:])
    if isinstance(degrees, bool) or not isinstance(degrees, (int, float, np.integer, np.floating)) \
            or not np.isfinite(degrees):
        raise TypeError(f"degrees: expected a finite number, got {_checks._describe(degrees)}")
    n = X.shape[1]
    return (X.reshape(len(X), -1) @ _bilinear_rotation_matrix(n, degrees).T).reshape(X.shape)


def _bilinear_rotation_matrix(n, degrees):
    """M (n², n²) with (rotated x).ravel() = M @ x.ravel(). Output pixel (i, j), centred
    u = i - c, v = j - c with c = (n - 1)/2, reads the source point
        (c + u cos t + v sin t,  c - u sin t + v cos t)
    (t = 90° gives np.rot90: out[i, j] = x[j, n - 1 - i]) from its 4 neighbouring pixels."""
    t = np.deg2rad(degrees)
    c = (n - 1) / 2
    u, v = np.indices((n, n)).reshape(2, -1) - c
    src_i, src_j = c + u * np.cos(t) + v * np.sin(t), c - u * np.sin(t) + v * np.cos(t)
    i0, j0 = np.floor(src_i + 1e-9).astype(int), np.floor(src_j + 1e-9).astype(int)
    fi, fj = np.clip(src_i - i0, 0, 1), np.clip(src_j - j0, 0, 1)  # fractional parts in [0, 1]
    M = np.zeros((n * n, n * n))
    rows = np.arange(n * n)
    for di, dj, weight in ((0, 0, (1 - fi) * (1 - fj)), (0, 1, (1 - fi) * fj),
                           (1, 0, fi * (1 - fj)), (1, 1, fi * fj)):
        i, j = i0 + di, j0 + dj
        inside = (i >= 0) & (i < n) & (j >= 0) & (j < n)
        np.add.at(M, (rows[inside], (i * n + j)[inside]), weight[inside])
    return M
