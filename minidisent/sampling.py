"""Images read between their pixels, by bilinear interpolation (chapters 07 and 10).

Interpolated rotation (chapter 07) turns an image by any angle on its own pixel grid: it
blurs and loses the corners, so it is NOT a group action (ten turns by 36° do not give the
image back). Polar sampling (chapter 10) reads each image once on a polar grid,
    (row, col) = c + r_k (-sin θ_j, cos θ_j),   c = ((h-1)/2, (w-1)/2),
    r_k = r_max (k+1)/radii,  θ_j = 2π j/angles
(points off the grid read 0), so θ turns counter-clockwise as the image is displayed (row 0
on top), the way np.rot90 turns. A rotation by 2π m/angles is then exactly
np.roll(polar, m, axis=angle), a pixel permutation: rotations of any order dividing
`angles` form an exact group, polar_rotations.
"""
import collections
import math

import numpy as np

from . import _checks, groups

MAX_ROTATED = 64  # interpolated_rotation: n x n images, its dense matrix is (n², n²)
MAX_POLAR = 2 ** 24  # entries of one polar matrix (radii·angles, h·w): 128 MiB of float64
MAX_CACHED = 2 ** 28  # bytes of polar matrices kept for reuse (256 MiB), least recently used out
_cache = collections.OrderedDict()  # (shape, radii, angles, r_max) -> read-only matrix


def interpolated_rotation(X, degrees):
    """Rotate images X (B, n, n) by any angle about the grid centre with bilinear
    interpolation (pixels taken from outside the grid count as 0) -> (B, n, n);
    n <= MAX_ROTATED (64).

    Opt-in and NOT a group action: it blurs and loses the corners, so ten rotations by
    36° do not give back X (exact permutations such as `rotations` do). At multiples of
    90° it agrees with np.rot90(x, k) up to rounding."""
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[1] != X.shape[2]:
        raise ValueError(f"X: expected square images (B, n, n), got shape {X.shape}")
    X = _checks.images("X", X, X.shape[1:])
    if isinstance(degrees, bool) or not isinstance(degrees, (int, float, np.integer, np.floating)) \
            or not np.isfinite(degrees):
        raise TypeError(f"degrees: expected a finite number, got {_checks.describe(degrees)}")
    n = X.shape[1]
    if n > MAX_ROTATED:
        raise ValueError(f"X: expected images of at most {MAX_ROTATED} x {MAX_ROTATED} pixels "
                         f"(the dense interpolation matrix is (n², n²)), got {n} x {n}")
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


# ---- polar sampling ------------------------------------------------------------------

def inscribed_radius(shape):
    """(min(h, w) - 1)/2: the largest circle about the centre whose points all lie between
    pixel centres, the default r_max (the corners outside it are not sampled)."""
    return (min(shape) - 1) / 2


def circumscribed_radius(shape):
    """sqrt(((h-1)/2)² + ((w-1)/2)²): the distance from the centre to the corner pixels, the
    largest r_max (a circle beyond it reads only zeros outside the image)."""
    return math.hypot((shape[0] - 1) / 2, (shape[1] - 1) / 2)


def _cached(key):
    """The polar matrix of key = (shape, radii, angles, r_max), built once and kept while the
    matrices kept add up to at most MAX_CACHED bytes (the least recently used go first)."""
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    M = _matrix(*key)
    _cache[key] = M
    while sum(m.nbytes for m in _cache.values()) > MAX_CACHED and len(_cache) > 1:
        _cache.popitem(last=False)
    if M.nbytes > MAX_CACHED:  # never kept (MAX_POLAR entries fit when MAX_CACHED is not lowered)
        _cache.pop(key)
    return M


def cached():
    """{(shape, radii, angles, r_max): bytes} of the polar matrices kept, oldest first."""
    return {key: M.nbytes for key, M in _cache.items()}


def clear_cache():
    """Forget every polar matrix kept (they are rebuilt when next asked for)."""
    _cache.clear()


def _matrix(shape, radii, angles, r_max):
    h, w = shape
    r = r_max * np.arange(1, radii + 1) / radii  # (radii,)
    theta = 2 * np.pi * np.arange(angles) / angles  # (angles,)
    rows = (h - 1) / 2 - r[:, None] * np.sin(theta)  # (radii, angles): θ counter-clockwise
    cols = (w - 1) / 2 + r[:, None] * np.cos(theta)
    rows, cols = rows.ravel(), cols.ravel()
    i0, j0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    fi, fj = rows - i0, cols - j0  # fractional parts in [0, 1)
    M = np.zeros((radii * angles, h * w))
    out = np.arange(radii * angles)
    for di, dj, weight in ((0, 0, (1 - fi) * (1 - fj)), (0, 1, (1 - fi) * fj),
                           (1, 0, fi * (1 - fj)), (1, 1, fi * fj)):
        i, j = i0 + di, j0 + dj
        inside = (i >= 0) & (i < h) & (j >= 0) & (j < w)  # off the grid: zero padding
        np.add.at(M, (out[inside], (i * w + j)[inside]), weight[inside])
    M.setflags(write=False)
    return M


def polar_matrix(shape, radii, angles, r_max=None):
    """M (radii·angles, h·w) with polar(x).ravel() == M @ x.ravel(): each row holds the four
    bilinear weights of one sample point (built once per size, read-only, kept in a cache of
    at most MAX_CACHED bytes). radii·angles·h·w <= MAX_POLAR (2**24) entries; 0 < r_max <=
    circumscribed_radius(shape) (further out every sample reads 0)."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape: expected a tuple (h, w), got {shape!r}")
    for i, s in enumerate(shape):
        _checks.positive(f"shape[{i}]", s, integer=True)
    _checks.positive("radii", radii, integer=True)
    _checks.positive("angles", angles, integer=True)
    shape, radii, angles = tuple(int(s) for s in shape), int(radii), int(angles)
    if radii * angles * shape[0] * shape[1] > MAX_POLAR:
        entries = radii * angles * shape[0] * shape[1]
        raise ValueError(f"radii, angles: expected radii·angles·h·w <= {MAX_POLAR} entries of the "
                         f"dense polar matrix (2**24, 128 MiB), got "
                         f"{radii}·{angles}·{shape[0]}·{shape[1]} = {entries} "
                         f"({entries * 8 / 2 ** 20:.0f} MiB)")
    r_max = inscribed_radius(shape) if r_max is None else float(_checks.positive("r_max", r_max))
    if r_max > circumscribed_radius(shape) * (1 + 1e-12):
        raise ValueError(f"r_max: expected at most {circumscribed_radius(shape):.6g}, the "
                         f"distance from the centre to the corners of {shape[0]} x {shape[1]} "
                         f"images (further out every sample reads 0), got {r_max:g}")
    return _cached((shape, radii, angles, r_max))


def polar(X, radii, angles, r_max=None):
    """X (B, h, w) -> (B, radii, angles): X sampled at radii r_max (k+1)/radii and angles
    2π j/angles about the centre (module docstring), r_max default inscribed_radius."""
    X = np.asarray(X) if isinstance(X, (list, tuple)) else X
    if not isinstance(X, np.ndarray) or X.ndim != 3:
        raise ValueError(f"X: expected images (B, h, w), got {_checks.describe(X)}")
    X = _checks.images("X", X, X.shape[1:])
    M = polar_matrix(X.shape[1:], radii, angles, r_max)
    return (X.reshape(len(X), -1) @ M.T).reshape(len(X), radii, angles)


def cartesian(P, shape, r_max=None):
    """The least-squares inverse of polar: P (B, radii, angles) -> (B, h, w), the image x of
    least norm minimising ‖M x − p‖ (pixels no sample reads come back 0)."""
    if not isinstance(P, np.ndarray) or P.ndim != 3:
        raise ValueError(f"P: expected polar images (B, radii, angles), got {_checks.describe(P)}")
    P = _checks.images("P", P, P.shape[1:])
    M = polar_matrix(shape, P.shape[1], P.shape[2], r_max)
    return (P.reshape(len(P), -1) @ np.linalg.pinv(M).T).reshape((len(P),) + tuple(shape))


def polar_rotations(radii, angles, n):
    """C_n acting on polar images (radii, angles): element k turns by 2πk/n counter-clockwise,
    np.roll(p, k·angles/n, axis=1), an exact pixel permutation. factors=(n,)."""
    _checks.positive("radii", radii, integer=True)
    _checks.positive("angles", angles, integer=True)
    _checks.positive("n", n, integer=True)
    radii, angles, n = int(radii), int(angles), int(n)
    _checks.group_size("n", n, radii * angles)  # before any array: |G|·pixels within MAX_SIZE
    if angles % n:
        raise ValueError(f"angles: expected a multiple of n = {n} (a turn by 2π/n must move whole "
                         f"angle steps), got {angles}")
    grid = np.arange(radii * angles).reshape(radii, angles)
    perms = np.stack([np.roll(grid, k * (angles // n), axis=1).ravel() for k in range(n)])
    return groups.Group(f"C_{n}(polar {radii}x{angles})", (radii, angles), perms, factors=(n,))
