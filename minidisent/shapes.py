"""Toy 2D shapes on an h x w torus: generic ones, and squares, plus signs, rectangles and
checkerboards that a rotation or translation fixes exactly (chapter 07)."""
import numpy as np

from . import _checks

SHAPES = ("square", "plus", "rectangle", "checkerboard")


def _grid(name, shape):
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"{name}: expected a tuple (h, w), got {shape!r}")
    for i, s in enumerate(shape):
        _checks.positive(f"{name}[{i}]", s, integer=True)
    return shape


def random_shapes(shape, count, rng, parts=3):
    """Generic 2D images (count, h, w) on a torus: sums of `parts` axis-aligned rectangles
    with random sides (1 to half the grid), positions (wrapping around) and amplitudes
    (±0.5..1.5, as for symmetric_shapes). Almost surely fixed by no translation, rotation
    or reflection (`mixed_shapes` checks it image by image)."""
    h, w = _grid("shape", shape)
    _checks.positive("count", count, integer=True)
    _checks.positive("parts", parts, integer=True)
    _checks.generator("rng", rng)
    i, j = np.arange(h)[:, None], np.arange(w)[None, :]
    longest = [max(2, h // 2 + 1), max(2, w // 2 + 1)]  # exclusive bound of the sides
    X = np.zeros((count, h, w))
    for c in range(count):
        for _ in range(parts):  # corner (a, b), sides (sh, sw), wrapping around the torus
            (a, b), (sh, sw) = rng.integers(0, [h, w]), rng.integers(1, longest)
            amplitude = rng.choice([-1, 1]) * rng.uniform(0.5, 1.5)
            X[c] += amplitude * (((i - a) % h < sh) & ((j - b) % w < sw))
    return X


def symmetric_shapes(shape, count, rng, kinds=SHAPES, centred=True):
    """Symmetric 2D images (count, h, w), `kinds` drawn in turn, each with a random size
    and amplitude (±0.5..1.5):
      square        centred square, fixed by the 90° rotations (a square grid)
      plus          centred plus sign, fixed by the 90° rotations
      rectangle     centred, sides unequal: fixed by the 180° rotation only
      checkerboard  cells c x c (2c divides h and w), random phase: fixed by the
                    translations (c, c), (2c, 0), (0, 2c)
    With centred=False the first three sit at a random place of the torus (then fixed by
    a rotation about their own centre: an element of translations + rotations, not of
    `rotations`). Returns (X, kind) with kind int (count,) indexing SHAPES."""
    h, w = _grid("shape", shape)
    _checks.positive("count", count, integer=True)
    _checks.generator("rng", rng)
    kinds = tuple(kinds)
    if not kinds or any(k not in SHAPES for k in kinds):
        raise ValueError(f"kinds: expected a non-empty subset of {SHAPES}, got {kinds}")
    u, v = np.abs(np.arange(h) - (h - 1) / 2)[:, None], np.abs(np.arange(w) - (w - 1) / 2)[None, :]
    radii = np.unique(u if h <= w else v)  # the distances |i - centre| along the shorter side
    cells = [c for c in range(1, min(h, w) // 2 + 1) if h % (2 * c) == 0 and w % (2 * c) == 0]
    need = {"square": len(radii) >= 2, "plus": len(radii) >= 2, "rectangle": len(radii) >= 3,
            "checkerboard": bool(cells)}
    for k in kinds:
        if not need[k]:
            raise ValueError(f"kinds: a {k} does not fit a {h} x {w} grid (too small, or no "
                             "cell size c with 2c dividing both sides); drop it from kinds")
    X, kind = np.zeros((count, h, w)), np.arange(count) % len(kinds)
    for c in range(count):
        name = kinds[kind[c]]
        if name == "square":  # half-side below the largest radius: never the whole image
            r = rng.choice(radii[:-1])
            mask = (u <= r) & (v <= r)
        elif name == "plus":
            r = rng.choice(radii[1:])
            a = rng.choice(radii[radii < r])
            mask = ((u <= r) & (v <= a)) | ((u <= a) & (v <= r))
        elif name == "rectangle":
            r1, r2 = rng.choice(radii[:-1], size=2, replace=False)
            mask = (u <= r1) & (v <= r2)
        else:
            size = rng.choice(cells)
            mask = (np.arange(h)[:, None] // size + np.arange(w)[None, :] // size) % 2 == 0
            mask = np.roll(mask, tuple(rng.integers(0, [h, w])), axis=(0, 1))
        if not centred and name != "checkerboard":
            mask = np.roll(mask, tuple(rng.integers(0, [h, w])), axis=(0, 1))
        X[c] = rng.choice([-1, 1]) * rng.uniform(0.5, 1.5) * (mask - (name == "checkerboard") / 2)
    kind = np.array([SHAPES.index(kinds[k]) for k in kind])
    return X, kind


def mixed_shapes(group, count, rng, symmetric=0.5, kinds=SHAPES, tries=100):
    """A 2D data set (count, *group.shape) for any group on images of two axes: first
    generic shapes (stabilizer {0}), then a fraction `symmetric` of symmetric ones
    (stabilizer larger than {0} in *this* group), both drawn and kept by an exact
    stabilizer check. Symmetric candidates are half centred, half at a random place, of
    the `kinds` that fit the grid; raises ValueError if none is fixed by the group."""
    if not hasattr(group, "stabilizer_sizes") or len(getattr(group, "shape", ())) != 2:
        raise ValueError(f"group: expected a group acting on 2D images, got {group!r}")
    _checks.positive("count", count, integer=True)
    _checks.generator("rng", rng)
    if not 0 <= _checks.nonnegative("symmetric", symmetric) <= 1:
        raise ValueError(f"symmetric: expected a fraction in [0, 1], got {symmetric}")
    n_sym = int(round(symmetric * count))
    n_gen = count - n_sym

    def keep(draw, wanted, symmetric_class):
        found, total = [], 0
        for _ in range(tries):
            if total >= wanted:
                break
            X = draw(max(wanted, 16))
            X = X[(group.stabilizer_sizes(X) > 1) == symmetric_class]
            found.append(X)
            total += len(X)
        if total < wanted:
            what = "symmetric" if symmetric_class else "generic"
            raise ValueError(f"group: found only {total} of {wanted} {what} shapes for "
                             f"{group.name} among kinds {tuple(kinds)} in {tries} tries")
        return np.concatenate(found)[:wanted]

    fitting = tuple(k for k in kinds if _fits(group.shape, k))

    def draw_symmetric(m):
        centred, _ = symmetric_shapes(group.shape, m - m // 2, rng, fitting)
        placed, _ = symmetric_shapes(group.shape, m // 2, rng, fitting, centred=False)
        return np.concatenate([centred, placed])

    parts = [keep(lambda m: random_shapes(group.shape, m, rng), n_gen, False)] if n_gen else []
    if n_sym:
        if not fitting:
            raise ValueError(f"kinds: none of {tuple(kinds)} fits a grid of shape {group.shape}")
        parts.append(keep(draw_symmetric, n_sym, True))
    return np.concatenate(parts)


def _fits(shape, kind):
    try:
        symmetric_shapes(shape, 1, np.random.default_rng(0), (kind,))
        return True
    except ValueError:
        return False
