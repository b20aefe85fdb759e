"""Finite groups acting on images by exact pixel permutations.

An element g is an integer in [0, |G|), 0 the identity. It acts on an image x by
    (g·x).ravel() == x.ravel()[perms[g]]
so g·(h·x) has the permutation perms[h][perms[g]], and table[g, h] is its index.
"""
import math

import numpy as np

from . import _checks, group_tables

from ._checks import MAX_ORDER, MAX_SIZE  # |G| and |G| * n_pixels (see Group)


class Group:
    """A finite group of pixel permutations of images of a fixed `shape`.

    perms   int (|G|, n_pixels), row 0 the identity
    table   int (|G|, |G|), table[g, h] = index of g∘h (apply h first, then g)
    inverse int (|G|,), table[g, inverse[g]] == 0
    factors orders (n_1, ..., n_k) when the group is Z_{n_1} x ... x Z_{n_k} with
            g = sum_i m_i * prod_{j>i} n_j (mixed radix); None otherwise. Checked against
            the table: the coordinates of g∘h are those of g plus those of h (mod n_i).
    Size limits (ValueError beyond them): |G| <= MAX_ORDER = 4096 and
    |G| * n_pixels <= MAX_SIZE = 2**24 (perms and table then take at most 128 MiB each).
    """

    def __init__(self, name, shape, perms, factors=None):
        self.name, self.shape = name, tuple(int(s) for s in shape)
        perms = np.asarray(perms)
        if perms.ndim == 2:
            _checks.group_size("perms", len(perms), perms.shape[1])
        self.perms = _checks.permutations("perms", perms, self.shape)
        self.order, self.n_pixels = self.perms.shape
        self.factors = None if factors is None else tuple(int(f) for f in factors)
        if self.factors is not None and math.prod(self.factors) != self.order:
            raise ValueError(f"factors: expected orders multiplying to {self.order}, "
                             f"got {self.factors}")
        if self.order ** 2 * self.n_pixels <= PLAIN_TABLE_UP_TO:
            self.table = multiplication_table(self.perms)
        else:  # the same integers, faster
            self.table = group_tables.multiplication_table(self.perms)
        self.inverse = np.argmin(self.table, axis=1)  # the h with g∘h == 0
        self.commutative = bool(np.array_equal(self.table, self.table.T))
        if self.factors is not None:
            _checks.factors(self.table, self.factors)

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
        chunk = max(1, 2 ** 22 // self.perms.size)  # rows per pass: ~4M moved pixels at most
        return np.concatenate([
            np.all(flat[i:i + chunk, self.perms] == flat[i:i + chunk, None, :], axis=2).sum(axis=1)
            for i in range(0, len(flat), chunk)])  # (B,)

    def coordinates(self, g):
        """g int (B,) -> int (B, k): the element's exponent in each cyclic factor."""
        if self.factors is None:
            raise ValueError("group: expected a product of cyclic groups (factors), got "
                             f"{self.name} which has no cyclic factors")
        g = _checks.elements("g", g, self.order)
        return np.stack(np.unravel_index(g, self.factors), axis=1)


PLAIN_TABLE_UP_TO = 2 ** 20  # |G|² · n_pixels: above it, the same table computed fast


def multiplication_table(perms):
    """table[g, h] = index of perms[h][perms[g]], the permutation of g∘h: every pair composed
    and looked up among the rows. Raises if two rows are equal or a composition is no row
    (the rows are then not a group). |G|² compositions of n pixels each; above
    PLAIN_TABLE_UP_TO, group_tables.multiplication_table gives the same integers faster."""
    index = {}  # permutation bytes -> row
    for j, p in enumerate(perms):
        i = index.setdefault(p.tobytes(), j)
        if i != j:
            raise ValueError(f"perms: expected distinct permutations, got row {j} equal to row {i}")
    table = np.empty((len(perms), len(perms)), dtype=np.intp)
    for g in range(len(perms)):
        for h in range(len(perms)):
            composed = perms[h][perms[g]]  # the permutation of g∘h
            if composed.tobytes() not in index:
                raise ValueError("perms: expected a set closed under composition (a group), got "
                                 f"rows {g}∘{h} = {composed[:12].tolist()} which is not a row")
            table[g, h] = index[composed.tobytes()]
    return table


def _roll_perms(shape, shifts):
    """Permutations of np.roll(x, s, axis=all) for every shift s in `shifts`."""
    grid = np.arange(int(np.prod(shape))).reshape(shape)
    axes = tuple(range(len(shape)))
    perms = np.empty((len(shifts), grid.size), dtype=np.intp)
    for k, s in enumerate(shifts):
        perms[k] = np.roll(grid, s, axis=axes).ravel()
    return perms


def cyclic(n):
    """Z_n shifting a ring of n pixels: element m is np.roll(x, m). n <= MAX_ORDER (4096)."""
    n = _checks.size("n", n)
    _checks.group_size("n", n, n)
    return Group(f"Z_{n}", (n,), _roll_perms((n,), [(m,) for m in range(n)]), factors=(n,))


def translations(shape):
    """Z_h x Z_w translating an h x w torus: element a*w + b is np.roll(x, (a, b), (0, 1)).
    h * w <= MAX_ORDER (4096)."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape: expected a tuple (h, w), got {shape!r}")
    h, w = (_checks.size(f"shape[{i}]", s) for i, s in enumerate(shape))
    _checks.group_size("shape", h * w, h * w)
    shifts = [(a, b) for a in range(h) for b in range(w)]
    return Group(f"Z_{h}xZ_{w}", (h, w), _roll_perms((h, w), shifts), factors=(h, w))


def rotations(n):
    """C_4 rotating an n x n image by 90°: element k is np.rot90(x, k). 4 n² <= MAX_SIZE."""
    n = _checks.at_least("n", n, 2, "a 1 x 1 image is fixed by every rotation")
    _checks.group_size("n", 4, n * n)
    grid = np.arange(n * n).reshape(n, n)
    return Group(f"C_4({n}x{n})", (n, n), np.stack([np.rot90(grid, k).ravel() for k in range(4)]),
                 factors=(4,))


def generate(shape, generators, name="generated"):
    """The group generated by pixel permutations (each an int array of n_pixels, in the
    convention of `perms`), found by closure; elements in breadth-first order from 0.
    The closure stops with a ValueError once it passes MAX_ORDER or MAX_SIZE (see Group)."""
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError("shape: expected a tuple such as (n,) or (h, w), got "
                        f"{type(shape).__name__} {shape!r}")
    shape = tuple(_checks.size(f"shape[{i}]", s) for i, s in enumerate(shape))
    n = math.prod(shape)
    _checks.group_size("shape", 1, n)
    if not isinstance(generators, (list, tuple)) and not (
            isinstance(generators, np.ndarray) and generators.ndim == 2):
        raise TypeError("generators: expected a list of permutations (int arrays of "
                        f"{n} pixel indices), got {_checks.describe(generators)}")
    gens = []
    for i, p in enumerate(generators):
        p = np.asarray(p)
        if p.shape not in ((n,), shape):
            raise ValueError(f"generators[{i}]: expected a permutation of {n} pixels for images "
                             f"of shape {shape} (shape ({n},) or {shape}), got shape {p.shape} "
                             f"({p.size} entries)")
        if not np.issubdtype(p.dtype, np.integer):
            raise ValueError(f"generators[{i}]: expected an int array of pixel indices, "
                             f"got dtype {p.dtype}")
        gens.append(_checks.permutations(f"generators[{i}]", p.reshape(1, n), shape,
                                         identity_first=False)[0])
    found, frontier = {np.arange(n).tobytes(): np.arange(n)}, [np.arange(n)]
    limit = min(MAX_ORDER, MAX_SIZE // n)
    while frontier:
        new = []
        for p in frontier:
            for s in gens:
                q = p[s]  # the permutation of s∘p
                if q.tobytes() not in found:
                    found[q.tobytes()] = q
                    new.append(q)
            if len(found) > limit:
                raise ValueError(f"generators: expected a group of order <= {limit} (MAX_ORDER = "
                                 f"{MAX_ORDER}, |G| * n_pixels <= MAX_SIZE = {MAX_SIZE} with {n} "
                                 f"pixels), got more than {limit} elements; the closure was "
                                 "stopped there")
        frontier = new
    return Group(name, shape, np.stack(list(found.values())))


def translations_rotations(n):
    """Translations and 90° rotations of an n x n torus (order 4n², not commutative; n <= 32)."""
    n = _checks.at_least("n", n, 3, "for n <= 2 a rotation moves the pixels as a translation "
                         "does, so fewer than 4n² elements")
    _checks.group_size("n", 4 * n * n, n * n)
    grid = np.arange(n * n).reshape(n, n)
    return generate((n, n), [np.roll(grid, 1, axis=1).ravel(), np.rot90(grid).ravel()],
                    name=f"p4({n}x{n})")


def dihedral(n):
    """Rotations by 90° and reflections of an n x n image (order 8; 8 n² <= MAX_SIZE)."""
    n = _checks.at_least("n", n, 2, "a 1 x 1 image is fixed by every rotation and reflection")
    _checks.group_size("n", 8, n * n)
    grid = np.arange(n * n).reshape(n, n)
    return generate((n, n), [np.rot90(grid).ravel(), grid[:, ::-1].ravel()], name=f"D_4({n}x{n})")
