"""Real handwritten digits (chapter 10): the vendored UCI digits, each image's distance
from symmetry, and the chapter's experiments (polar sampling, which makes rotations of any
order exact on them, is in sampling.py).

The data is the test set of the UCI "Optical Recognition of Handwritten Digits" (1,797
images, 8 x 8, counts 0..16, 13 writers; see DIGITS.md for provenance and licence).
"""
import hashlib
import os

import numpy as np

from . import _checks, _files, closed_form, data, groups, recipes, sampling, train

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits.npz")
SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"
CLASS_COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)
_MAX_BYTES = 1 << 20  # each member's declared uncompressed size must stay below 1 MiB


def load(path=None):
    """The digits as (images float (1797, 8, 8) in [0, 1] (counts / 16), labels int (1797,)).
    The vendored file is checked against its sha256 however it is named (None, a Path, a
    relative path, a link: the open file is compared with PATH by device and inode); any file
    is read without pickle, its zip directory and declared sizes checked before anything is
    inflated."""
    path = PATH if path is None else path
    names = ("images.npy", "labels.npy")
    try:
        with _files.regular_file(path) as f:  # never blocks on a FIFO; a folder is refused
            if _is_vendored(f):  # read whole only when it is the vendored file (a few dozen KiB)
                digest = hashlib.sha256(f.read(4 * _MAX_BYTES + 1)).hexdigest()
                if digest != SHA256:
                    raise ValueError(f"sha256 {digest[:16]}..., expected {SHA256[:16]}...")
            archive, infos = _files.zip_members(
                f, lambda name: _MAX_BYTES if name in names else None, 2)
            with archive:  # the directory was checked: nothing inflated before this line
                if sorted(infos) != list(names):
                    raise ValueError(f"members {sorted(infos)}, expected {list(names)}")
                images, labels = (_files.npy_array(archive, infos[n]) for n in names)
    except FileNotFoundError:
        raise
    except Exception as error:  # zip, zlib, format and the checks above
        raise ValueError("path: expected the digits archive (.npz), got a corrupt or foreign "
                         f"file {path}: {type(error).__name__}: {error}") from None
    if (images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (8, 8)
            or not len(images) or labels.dtype != np.uint8 or labels.shape != (len(images),)):
        raise ValueError("path: expected uint8 images (N, 8, 8), N > 0, and uint8 labels (N,), "
                         f"got {images.dtype} {images.shape} and {labels.dtype} {labels.shape}")
    if images.max() > 16 or labels.max() > 9:
        raise ValueError(f"path: expected counts 0..16 and labels 0..9, got maxima "
                         f"{images.max()} and {labels.max()}")
    return images / 16.0, labels.astype(np.intp)


def _is_vendored(f):
    """Whether the open file f is the vendored PATH (same device and inode), however named."""
    try:
        mine, vendored = os.fstat(f.fileno()), os.stat(PATH)
    except OSError:  # no vendored file at all: f cannot be it
        return False
    return (mine.st_dev, mine.st_ino) == (vendored.st_dev, vendored.st_ino)


def asymmetry(group, X):
    """a(x) = min over h != e of ‖h·x − x‖ / ‖x‖: 0 exactly when x has a non-trivial
    stabilizer. X (B, *group.shape) -> float (B,)."""
    _checks.group("group", group)
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1).astype(np.float64)
    norms = np.linalg.norm(flat, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"X: expected non-zero images (a is relative to ‖x‖), got image "
                         f"{int(np.flatnonzero(norms == 0)[0])} all zeros")
    chunk = max(1, 2 ** 22 // group.perms.size)
    moved = [np.linalg.norm(flat[i:i + chunk, group.perms[1:]] - flat[i:i + chunk, None],
                            axis=2).min(axis=1)
             for i in range(0, len(flat), chunk)]  # (chunk,) each: min_h ‖h·x − x‖
    return np.concatenate(moved) / norms


def mixing(group, X, h, t):
    """x_t = (1 − t) x + t h·x for images X (B, *shape): for an involution h (h∘h = e, such
    as the half turn) x_{1/2} is exactly h-symmetric. -> (B, *shape)."""
    _checks.nonnegative("t", t)
    h = int(_checks.elements("h", [h], group.order)[0])
    return (1 - t) * X + t * group.act(X, np.full(len(X), h))


# ---- the experiments of chapter 10 --------------------------------------------------

# chapter 10's training steps (the model with no operator stops at recipes.FLOOR_STEPS);
# its claims hold at seeds 0-4
STEPS = {"linear": 500, "mlp": 1000}
POLAR = (4, 40, 10)  # radii, angles and the rotation order n of chapter 10's polar images


def experiment(X, seed=0, target=0.05, steps=STEPS):
    """Chapter 10's table: on digits X (B, 8, 8) (the first 1000 train, the rest held out),
    translations of the torus, exact 90° rotations and polar rotations of order 10, each
    with the latent |G|·d whose closed form reaches `target` on the training digits
    (closed_form.latent_blocks). Returns ({name: (group, images, latent_dim, closed-form
    error)}, {name: train_models(...)})."""
    C = sampling.polar_rotations(*POLAR)
    settings = {}
    for name, G, D in (("translations Z8xZ8", groups.translations((8, 8)), X),
                       ("rotations C4", groups.rotations(8), X),
                       ("polar C10", C, sampling.polar(X, *POLAR[:2]))):
        d, error = closed_form.latent_blocks(G, D[:1000], target)
        settings[name] = (G, D, G.order * d, error)
    runs = {name: train_models(G, D[:1000], D[1000:], L, steps=steps, seed=seed)
            for name, (G, D, L, _) in settings.items()}
    return settings, runs


def train_models(group, X_train, X_test, latent_dim, kinds=("linear", "mlp"),
                 operators=("shift", "disentangled", "identity"), steps=STEPS, seed=0):
    """Train one model per kind x operator on pairs (x, g, g·x) of X_train (g uniform, drawn
    with `seed`), score it on pairs of the held-out X_test. steps: {kind: steps}; the model
    with no operator stops at recipes.FLOOR_STEPS[kind] if that is fewer (its error has
    settled), while the disentangled one trains the full run, like the shift model: chapter
    10 measures how its code collapses near symmetric digits, which takes longer to show.
    Returns {(kind, operator): recipes.Trained}."""
    rng = np.random.default_rng(seed)
    train_pairs, test_pairs = data.pairs(group, X_train, rng), data.pairs(group, X_test, rng)
    return {(kind, op): recipes.run(kind, op, group, train_pairs, test_pairs,
                                    latent_dim=latent_dim, seed=seed, consistency=1.0,
                                    steps=steps[kind] if op != "identity"
                                    else min(steps[kind], recipes.FLOOR_STEPS[kind]))
            for kind in kinds for op in operators}


def held_out_error(run):
    """The relative prediction error of x2 on the held-out pairs."""
    return float(run.errors["prediction"]["all"])


def predict(run, X, g):
    """A trained run's guess of g·x for images X (B, *shape), g int (B,) -> (B, *shape)."""
    return train.predict(run.model, run.params, run.op, X, g)


def per_image(run, X):
    """Per image x of X (B, *shape): the relative error of predicting every g·x from x,
    Σ_g ‖pred_g − g·x‖² / Σ_g ‖g·x‖² (B,), and the code radius ‖z[:2]‖ / ‖x‖ (B,), the
    size of the disentangled operator's first rotation plane."""
    model, params, G = run.model, run.params, run.op.group
    pred = predict(run, np.repeat(X, G.order, axis=0), np.tile(np.arange(G.order), len(X)))
    orbit = X.reshape(len(X), -1)[:, G.perms]  # (B, |G|, n): row g is g·x
    error = (np.sum((pred.reshape(orbit.shape) - orbit) ** 2, axis=(1, 2))
             / np.sum(orbit ** 2, axis=(1, 2)))
    z = model.encode(params, X)
    return error, np.linalg.norm(z[:, :2], axis=1) / np.linalg.norm(X.reshape(len(X), -1), axis=1)


def orbit_spread(group, X):
    """Per image: Σ_g ‖g·x − m‖² / Σ_g ‖g·x‖², m the orbit's mean (B,): the part of the
    orbit that moves with g. A code that ignores g (the disentangled code at r = 0) misses
    all of it; defect.orbit_lower_bound is the same ratio over a batch."""
    orbit = X.reshape(len(X), -1)[:, group.perms]  # (B, |G|, n)
    return (np.sum((orbit - orbit.mean(axis=1, keepdims=True)) ** 2, axis=(1, 2))
            / np.sum(orbit ** 2, axis=(1, 2)))


def defect_measures(runs, group, X):
    """On images X (B, *shape): a(x), and for every run {(kind, operator): run} whose operator
    is shift or disentangled, per image the orbit error ("kind operator"), that error over
    orbit_spread ("kind operator / spread": the share of the orbit's motion missed, 1 when
    the code ignores g) and for the disentangled model the code radius ("kind radius").
    Returns {name: float (B,)}."""
    out, spread = {"a": asymmetry(group, X)}, orbit_spread(group, X)
    for (kind, op), run in runs.items():
        if op in ("shift", "disentangled"):
            error, radius = per_image(run, X)
            out[f"{kind} {op}"], out[f"{kind} {op} / spread"] = error, error / spread
            if op == "disentangled":
                out[f"{kind} radius"] = radius
    return out


def binned(a, values, edges):
    """Median of each value array of `values` {label: (B,)} over the images whose a falls in
    [edges[i], edges[i+1]). Returns (counts int (bins,), {label: medians (bins,)}) (NaN if
    empty)."""
    which = np.digitize(a, edges) - 1  # bin index, -1 / len(edges)-1 outside
    counts = np.array([np.sum(which == i) for i in range(len(edges) - 1)])
    return counts, {k: np.array([np.median(v[which == i]) if counts[i] else np.nan
                                 for i in range(len(edges) - 1)]) for k, v in values.items()}


BIN_QUANTILES = (0, 0.1, 0.25, 0.5, 0.75, 1)  # chapter 10's a(x) bins: most symmetric tenth, ...
# The half turn h of each group of `experiment`, an involution (h∘h = e): mixing(G, X, h, 1/2)
# is exactly symmetric under it.
HALF_TURNS = {"translations Z8xZ8": 4 * 8 + 4, "rotations C4": 2, "polar C10": 5}


def asymmetry_bins(measures):
    """measures: defect_measures(...) of some images. Their medians binned by a(x) at the
    quantiles BIN_QUANTILES of a (the last edge nudged up so the most asymmetric image counts).
    Returns (edges (6,), counts int (5,), {label: medians (5,)}) for every label but "a"."""
    a = measures["a"]
    edges = np.quantile(a, BIN_QUANTILES) + np.r_[0, 0, 0, 0, 0, 1e-9]
    counts, medians = binned(a, {k: v for k, v in measures.items() if k != "a"}, edges)
    return edges, counts, medians


def path_medians(runs, group, X, h, ts):
    """The medians of defect_measures(runs, group, x_t) over the images X (B, *shape) moved
    along x_t = mixing(group, X, h, t), for each t of ts: {label: float (len(ts),)}, "a"
    included (0 at t = 1/2)."""
    steps = [defect_measures(runs, group, mixing(group, X, h, t)) for t in ts]
    return {k: np.array([np.median(step[k]) for step in steps]) for k in steps[0]}


def results_table(rows):
    """rows {group name: {(kind, operator): run}} -> text table of held-out errors."""
    ops = ("shift", "disentangled", "identity")
    lines = [f"{'group':<24} {'model':<7} "
             + " ".join(f"{'no operator' if o == 'identity' else o:>12}" for o in ops)]
    for name, runs in rows.items():
        for kind in dict.fromkeys(k for k, _ in runs):
            lines.append(f"{name:<24} {kind:<7} " + " ".join(
                f"{held_out_error(runs[kind, o]):>12.1e}" if (kind, o) in runs else f"{'-':>12}"
                for o in ops))
    return "\n".join(lines)
