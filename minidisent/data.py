"""Seeded toy images and exact training pairs.

1D signals live on a ring of n pixels (group: groups.cyclic(n)); 2D images on an h x w
torus (groups.translations). Every generator takes an explicit numpy Generator `rng`.
"""
import numpy as np

from . import _checks


def _smooth_ring(length, count, rng, decay):
    """count random real signals on a ring of `length` pixels, Fourier amplitudes ~ decay**k."""
    k = np.arange(length // 2 + 1)
    spectrum = (rng.normal(size=(count, k.size)) + 1j * rng.normal(size=(count, k.size))) * decay ** k
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
        raise TypeError(f"periods: expected integer periods dividing n={n}, got dtype {periods.dtype}")
    if periods.ndim != 1 or periods.size == 0 or np.any((periods < 2) | (periods >= n)) or np.any(n % periods):
        raise ValueError(f"periods: expected proper divisors p of n={n} with 2 <= p < n, "
                         f"got {periods.tolist()}")
    period = periods[np.arange(count) % periods.size]
    X = np.empty((count, n))
    for p in np.unique(period):
        rows = np.flatnonzero(period == p)
        X[rows] = np.tile(_smooth_ring(p, rows.size, rng, decay), n // p)
    return X, period


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
        raise ValueError(f"elements: expected at least one group element to draw from, got {elements!r}")
    choices = np.arange(group.order) if elements is None else \
        _checks.elements("elements", elements, group.order)
    g = choices[rng.integers(0, len(choices), size=len(X))]
    return X, g, group.act(X, g)


def orbit_pairs(group, X):
    """Every pair (x, g, g·x) for x in X (B, *shape) and g in the group: B·|G| pairs, x1
    repeated |G| times in a row, g = 0, 1, ..., |G|-1 for each. Averages over these are
    exact averages over the group (no sampling of g)."""
    X = _checks.images("X", X, group.shape)
    g = np.tile(np.arange(group.order), len(X))
    x1 = np.repeat(X, group.order, axis=0)
    return x1, g, group.act(x1, g)
