"""Seeded toy images, exact training pairs and sequences, and the course's data sets.

1D signals live on a ring of n pixels (group: groups.cyclic(n)); 2D images on an h x w
torus (groups.translations). Every generator takes an explicit numpy Generator `rng`;
every data set an integer `seed`. The 2D toy shapes are in shapes.py.
"""
import numpy as np

from . import _checks, _chunks, groups, shapes


def _smooth_ring(length, count, rng, decay):
    """count random real signals on a ring of `length` pixels, Fourier amplitudes ~ decay**k."""
    k = np.arange(length // 2 + 1)
    spectrum = ((rng.normal(size=(count, k.size)) + 1j * rng.normal(size=(count, k.size)))
                * decay ** k)
    spectrum[:, 0] = spectrum[:, 0].real
    if length % 2 == 0:
        spectrum[:, -1] = spectrum[:, -1].real  # the Nyquist mode is real
    return np.fft.irfft(spectrum, n=length, axis=1) * np.sqrt(length)


def random_signals(n, count, rng, decay=0.7):
    """Generic smooth signals (count, n): every Fourier mode present, so the stabilizer
    under Z_n is trivial (with probability 1). Mode k has amplitude ~ decay**k."""
    _checks.positive("n", n, integer=True)
    _checks.positive("count", count, integer=True)
    _checks.generator("rng", rng)
    _checks.positive("decay", decay)
    return _smooth_ring(n, count, rng, decay)


def periodic_signals(n, count, rng, periods=None, decay=0.7):
    """Symmetric signals (count, n) of exact period p | n, p < n, drawn evenly from
    `periods` (default: every proper divisor of n above 1). A period-p signal is fixed by
    the shift by p: its stabilizer in Z_n has n/p elements, and only the Fourier modes that
    are multiples of n/p are present. Returns (X, period) with period int (count,)."""
    _checks.positive("n", n, integer=True)
    _checks.positive("count", count, integer=True)
    _checks.generator("rng", rng)
    _checks.positive("decay", decay)
    if periods is None:
        periods = [p for p in range(2, n) if n % p == 0]
    periods = np.asarray(periods)
    if periods.size and not np.issubdtype(periods.dtype, np.integer):
        raise TypeError(f"periods: expected integer periods dividing n={n}, got dtype "
                        f"{periods.dtype}")
    if (periods.ndim != 1 or periods.size == 0 or np.any((periods < 2) | (periods >= n))
            or np.any(n % periods)):
        raise ValueError(f"periods: expected proper divisors p of n={n} with 2 <= p < n, "
                         f"got {periods.tolist()}")
    period = periods[np.arange(count) % periods.size]
    X = np.empty((count, n))
    for p in np.unique(period):
        rows = np.flatnonzero(period == p)
        X[rows] = np.tile(_smooth_ring(p, rows.size, rng, decay), n // p)
    return X, period


def stripes(shape, count, rng, axis=0, decay=0.7):
    """Stripes (count, h, w) on a torus: a generic smooth profile (random_signals) along one
    axis, repeated along `axis`, so every translation along `axis` fixes them and none
    along the other: under Z_h x Z_w the stabilizer is the factor of `axis`."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape: expected a tuple (h, w), got {shape!r}")
    if axis not in (0, 1):
        raise ValueError(f"axis: expected 0 or 1, got {axis!r}")
    profile = random_signals(shape[1 - axis], count, rng, decay)  # (count, the other side)
    return np.repeat(np.expand_dims(profile, 1 + axis), shape[axis], axis=1 + axis)


def random_blobs(shape, count, rng, bumps=3, width=1.5):
    """Generic 2D images (count, h, w) on a torus: sums of `bumps` periodic Gaussian bumps
    with random centres, signs and heights."""
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape: expected a tuple (h, w), got {type(shape).__name__} {shape!r}")
    h, w = (_checks.positive(f"shape[{i}]", s, integer=True) for i, s in enumerate(shape))
    _checks.positive("count", count, integer=True)
    _checks.generator("rng", rng)
    _checks.positive("bumps", bumps, integer=True)
    _checks.positive("width", width)
    ys, xs = np.arange(h), np.arange(w)
    centres = rng.uniform(0, 1, size=(count, bumps, 2)) * [h, w]
    heights = rng.normal(size=(count, bumps))
    dy = (ys[None, None, :] - centres[..., 0:1] + h / 2) % h - h / 2  # (count, bumps, h)
    dx = (xs[None, None, :] - centres[..., 1:2] + w / 2) % w - w / 2  # (count, bumps, w)
    bump = np.exp(-(dy[..., :, None] ** 2 + dx[..., None, :] ** 2) / (2 * width ** 2))
    return np.einsum("cb,cbyx->cyx", heights, bump)


def pairs(group, X, rng, elements=None):
    """Training pairs (x1, g, x2) with x2 = g·x1 exactly: x1 = X (B, *shape), g int (B,)
    drawn uniformly from `elements` (default: the whole group)."""
    _checks.group("group", group)
    X = _checks.images("X", X, group.shape)
    _checks.generator("rng", rng)
    if elements is not None and np.size(elements) == 0:
        raise ValueError("elements: expected at least one group element to draw from, got "
                         f"{elements!r}")
    choices = np.arange(group.order) if elements is None else \
        _checks.elements("elements", elements, group.order)
    g = choices[rng.integers(0, len(choices), size=len(X))]
    return X, g, group.act(X, g)


def sequences(group, X, rng, frames, elements=None, each=False):
    """S (B, frames, *shape) with S[b, t] = g_b^t · X[b], and g int (B,): one element per
    sequence drawn uniformly from `elements` (default the whole group), for the evaluator;
    with each=True, g = elements itself (one given element per sequence, len(X) of them)."""
    _checks.group("group", group)
    X = _checks.images("X", X, group.shape)
    _checks.generator("rng", rng)
    if _checks.positive("frames", frames, integer=True) < 2:
        raise ValueError(f"frames: expected at least 2 frames (one transition), got {frames}")
    if len(X) * frames * group.n_pixels > _chunks.CHUNK * 16:
        raise ValueError(f"X: {len(X)} sequences of {frames} frames of {group.n_pixels} pixels "
                         f"are more than {_chunks.CHUNK * 16} numbers; use fewer")
    choices = np.arange(group.order) if elements is None else \
        _checks.elements("elements", elements, group.order)
    if choices.size == 0:
        raise ValueError("elements: expected at least one group element to draw from, got none")
    if each and len(choices) != len(X):
        raise ValueError(f"elements: expected one element per sequence ({len(X)}), "
                         f"got {len(choices)}")
    g = choices if each else choices[rng.integers(0, len(choices), size=len(X))]
    out = [X]
    for _ in range(frames - 1):
        out.append(group.act(out[-1], g))
    return np.stack(out, axis=1), g


def orbit_pairs(group, X):
    """Every pair (x, g, g·x) for x in X (B, *shape) and g in the group: B·|G| pairs, x1
    repeated |G| times in a row, g = 0, 1, ..., |G|-1 for each. Averages over these are
    exact averages over the group (no sampling of g)."""
    X = _checks.images("X", X, _checks.group("group", group).shape)
    g = np.tile(np.arange(group.order), len(X))
    x1 = np.repeat(X, group.order, axis=0)
    return x1, g, group.act(x1, g)


# --- The course's data sets: training and held-out pairs -------------------------------

def signals_1d(n=16, count=512, seed=0):
    """The 1D toy task on Z_n: half generic, half periodic signals (periods: every proper
    divisor of n), as training and held-out pairs (x1, g, x2) of `count` pairs each."""
    if _checks.positive("count", count, integer=True) < 2:
        raise ValueError("count: expected at least 2 pairs (one generic, one periodic), got "
                         f"{count}")
    _checks.seed("seed", seed)
    rng = np.random.default_rng(seed)
    group = groups.cyclic(n)

    def draw():
        generic = random_signals(n, count // 2, rng)
        symmetric, _ = periodic_signals(n, count - count // 2, rng)
        return pairs(group, np.concatenate([generic, symmetric]), rng)

    return group, draw(), draw()


def images_2d(group, count=512, seed=0, width=0.6):
    """A 2D toy task: half generic random_blobs, half symmetric_images of fresh blobs,
    as training and held-out pairs of `count` pairs each. -> (group, train_pairs, test_pairs).
    The bumps are narrow (width 0.6 pixel) so that every Fourier mode carries energy."""
    rng = np.random.default_rng(seed)

    def draw():
        generic = random_blobs(group.shape, count // 2, rng, width=width)
        symmetric = symmetric_images(group, random_blobs(group.shape, count - count // 2, rng,
                                                         width=width), rng)
        return pairs(group, np.concatenate([generic, symmetric]), rng)

    return group, draw(), draw()


def symmetric_images(group, X, rng, elements=None):
    """Symmetric versions of images X (B, *shape): for each image a random non-identity h
    (from `elements`, default all), every pixel replaced by the mean over its cycle under
    h, so h·x == x exactly and the stabilizer is non-trivial. -> (B, *shape)."""
    X = _checks.images("X", X, group.shape)
    _checks.generator("rng", rng)
    choices = np.arange(1, group.order) if elements is None else \
        _checks.elements("elements", elements, group.order)
    if choices.size == 0 or np.any(choices == 0):
        raise ValueError(f"elements: expected non-identity elements of {group.name}, got "
                         f"{choices.tolist()}")
    h = choices[rng.integers(0, len(choices), size=len(X))]
    flat = X.reshape(len(X), -1).copy()
    for e in np.unique(h):
        cycle = np.arange(group.n_pixels)  # label each pixel by the least pixel of its cycle
        moved = group.perms[e]
        for _ in range(group.n_pixels):
            cycle = np.minimum(cycle, cycle[moved])
        rows = np.flatnonzero(h == e)
        for label in np.unique(cycle):
            pixels = cycle == label
            flat[np.ix_(rows, pixels)] = flat[np.ix_(rows, pixels)].mean(axis=1, keepdims=True)
    return flat.reshape(X.shape)


def groups_2d(n=6):
    """The 2D groups of the course on an n x n torus, by short name."""
    return {"translations": groups.translations((n, n)), "rotations": groups.rotations(n),
            "translations_rotations": groups.translations_rotations(n),
            "dihedral": groups.dihedral(n)}


def shapes_2d(group, count=256, seed=0):
    """The 2D toy task for any group on images of two axes: half generic random shapes,
    half shapes that the group fixes non-trivially (shapes.mixed_shapes), as training and
    held-out pairs (x1, g, x2) of `count` pairs each."""
    rng = np.random.default_rng(seed)

    def draw():
        return pairs(group, shapes.mixed_shapes(group, count, rng), rng)

    return draw(), draw()
