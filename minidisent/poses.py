"""Poses never seen in training (chapter 13): models trained on digits turned by small angles
only, tested on the whole circle; the pose of a digit estimated in latent space, its code
turned back by the operator, and a linear classifier on that canonical code.

The digits are sampled once on a polar grid with an odd number of angles (sampling.polar),
so S(α) turns them exactly by any angle (so2). Training pairs (x, α, S(α)x) take upright
digits x and α uniform on [0, SEEN); every model of `runs` is trained by train.fit.
"""
from collections import namedtuple

import numpy as np

from . import _checks, angle_operators, digits, models, sampling, so2, train

RADII, ANGLES = 4, 41  # the polar grid of the digits: 4 rings of 41 angles (odd)
SEEN = 2 * np.pi / 5  # training angles: [0°, 72°)
TARGET = 0.02  # so2.multiplicities: the band-limited latent's relative error on training digits
STEPS = {"linear": 250, "mlp": 300}
OPERATORS = ("band_limited", "disentangled", "no_operator")

Run = namedtuple("Run", "kind operator model op params history")


def data(train_count=1000):
    """(train P, train labels, test P, test labels): the first train_count digits and the others
    (chapter 10's split), as polar images (B, RADII, ANGLES)."""
    X, labels = digits.load()
    train_count = _checks.size("train_count", train_count, len(X) - 1)
    P = sampling.polar(X, RADII, ANGLES)
    return P[:train_count], labels[:train_count], P[train_count:], labels[train_count:]


def runs(train_P, seed=0, kinds=("linear", "mlp"), operators=OPERATORS, count=1000, steps=None):
    """Every (kind, operator) trained on `count` pairs (x, α, S(α)x) of the upright digits
    train_P (B, RADII, ANGLES) with α uniform on [0, SEEN). Each operator gets the latent size
    of the band-limited one, so2.multiplicities(train_P, TARGET). Returns {(kind, op): Run}."""
    _checks.seed("seed", seed)
    rng = np.random.default_rng(seed)
    m = so2.multiplicities(train_P, TARGET)
    pairs = angle_operators.pairs(train_P, count, rng, 0.0, SEEN)
    out = {}
    for kind in kinds:
        for name in operators:
            op = angle_operators.operator(name, int(m[0] + 2 * m[1:].sum()), m)
            model = models.linear(train_P.shape[1:], op.latent_dim) if kind == "linear" else \
                models.mlp(train_P.shape[1:], op.latent_dim, (64,), gain=0.1)
            loss = angle_operators.supervised_loss(model, op)
            params, history = train.fit(loss, model.init(np.random.default_rng(seed)), pairs,
                                        seed=seed, steps=(steps or STEPS)[kind],
                                        batch_size=64, step_size=1e-2, decay=1e-2)
            out[kind, name] = Run(kind, name, model, op, params, history)
    return out


def estimate_pose(op, Z, reference, grid=360):
    """The angle that turns each code back closest to a reference code: Z (B, L), reference
    (L,) -> α̂ float (B,), argmax over α on a grid of `grid` angles of <psi(−α) z, reference>
    = <z, psi(α) reference> (psi orthogonal)."""
    alphas = 2 * np.pi * np.arange(grid) / grid
    turned = op.apply(np.tile(reference, (grid, 1)), alphas)  # (grid, L): psi(α) reference
    return alphas[np.argmax(Z @ turned.T, axis=1)]


def features(run, P, reference=None):
    """What the classifier reads: P (B, RADII, ANGLES) -> (B, L). With an operator that turns
    something (run.op.planes > 0) the code turned back by its estimated pose, psi(−α̂) z;
    otherwise the code itself. reference: the mean code of the upright training digits."""
    Z = np.asarray(run.model.encode(run.params, P))
    if not run.op.planes:
        return Z
    return run.op.apply(Z, -estimate_pose(run.op, Z, reference))


def linear_classifier(F, labels, ridge=1e-3):
    """Least squares onto one-hot labels with an intercept: F (B, D), labels int (B,) ->
    W (D+1, classes), predict with classify(W, F)."""
    A = np.column_stack([F, np.ones(len(F))])
    Y = np.eye(labels.max() + 1)[labels]
    return np.linalg.solve(A.T @ A + ridge * len(F) * np.eye(A.shape[1]), A.T @ Y)


def classify(W, F):
    return np.argmax(np.column_stack([F, np.ones(len(F))]) @ W, axis=1)


def accuracy(run, train_P, train_labels, test_P, test_labels, test_angles, seed=0):
    """Train a linear classifier on the features (see features) of the training digits turned
    by angles uniform on [0, SEEN) and score it on the test digits turned by each test angle.
    run None: the classifier reads the polar pixels. Returns float (A,) accuracies."""
    train_P, test_P = so2.checked_polar("train_P", train_P), so2.checked_polar("test_P", test_P)
    for name, P, y in (("train_labels", train_P, train_labels),
                       ("test_labels", test_P, test_labels)):
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.integer) or y.shape != (len(P),) or y.min() < 0:
            raise ValueError(f"{name}: expected {len(P)} integer labels >= 0 (one per image), got "
                             f"{y.dtype} of shape {y.shape}")
    _checks.seed("seed", seed)
    rng = np.random.default_rng(seed)
    seen = so2.turn(train_P, rng.uniform(0, SEEN, len(train_P)))
    reference = None if run is None else \
        np.asarray(run.model.encode(run.params, train_P)).mean(axis=0)

    def read(P):
        return P.reshape(len(P), -1) if run is None else features(run, P, reference)

    W = linear_classifier(read(seen), train_labels)
    return np.array([np.mean(classify(W, read(so2.turn(test_P, np.full(len(test_P), a)))) ==
                             test_labels) for a in so2.checked_angles("test_angles", test_angles)])
