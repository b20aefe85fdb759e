"""Weak supervision (chapter 08): learning the shift operator from pairs (x1, x2) whose
transformation g is not given. Every candidate g' is scored by ‖psi(g') z1 − z2‖², and a
softmax with temperature tau over the scores stands in for the missing label.
"""
import time
from collections import namedtuple

import autograd.numpy as np

from . import _checks, fast, identifiability, metrics, recipes, train
from .fast import gather_candidates
from .models import check_params


def candidates_of(op):
    """candidates(Z) -> (B, |G|, L), [b, k] = psi(k) Z[b]: every candidate code at once.
    A permutation operator (shift, identity) is one gather (fast.gather_candidates, whose
    gradient avoids a scatter-add); any other multiplies by the stack of its matrices."""
    matrices = np.stack([op.matrix(k) for k in range(op.group.order)])  # (|G|, L, L)
    if np.all((matrices == 0) | (matrices == 1)) and np.all(matrices.sum(axis=2) == 1):
        index = np.argmax(matrices, axis=2)  # (|G|, L): (psi(k) z)[l] = z[index[k, l]]
        inverse = np.argsort(index, axis=1)
        return lambda Z: gather_candidates(Z, index, inverse)
    return lambda Z: np.einsum("kml,bl->bkm", matrices, Z)


def candidate_scores(model, params, op, x1, x2, candidates=None):
    """Score every candidate g' for each pair: ‖psi(g') z1 − z2‖², z = encode(x).
    x1, x2 (B, *shape) -> (scores (B, |G|), codes (B, |G|, L) = psi(g') z1, z1 (B, L)).
    candidates: candidates_of(op), if already made (a loss makes it once)."""
    z1, z2 = model.encode(params, x1), model.encode(params, x2)  # (B, L) each
    codes = (candidates or candidates_of(op))(z1)
    cross = np.matmul(codes, z2[:, :, None])[:, :, 0]  # (B, |G|): <psi(g') z1, z2>
    scores = np.sum(codes ** 2, axis=2) - 2 * cross + np.sum(z2 ** 2, axis=1, keepdims=True)
    return scores, codes, z1


def _weak_pairs(model, batch):
    """The door of the weak loss and of infer: pairs (x1, x2) of images (B, *shape)."""
    if not isinstance(batch, tuple) or len(batch) != 2:
        got = f"a tuple of {len(batch)}" if isinstance(batch, tuple) else type(batch).__name__
        raise ValueError(f"data: expected pairs (x1, x2) without g, got {got}")
    x1 = _checks.images("x1", batch[0], model.shape)
    x2 = _checks.images("x2", batch[1], model.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return x1, x2


def _weigh(scores, candidates, tau):
    """Softmax weights w = softmax(−scores / tau) (B, |G|) and the weighted code Σ w psi(g') z1 (B, L)."""
    logits = -(scores - np.min(scores, axis=1, keepdims=True)) / tau  # max logit 0: stable
    weights = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return weights, np.matmul(weights[:, None, :], candidates)[:, 0]


def weak_loss(model, op, tau=0.1, reconstruction=1.0, consistency=0.0, anchors=None, blend="codes"):
    """Objective on a batch (x1, x2) with x2 = g·x1 for an unknown g, z = encode(x):
        scores  s_g' = ‖psi(g') z1 − z2‖²,   w = softmax_g'(−s / tau)      (B, |G|)
        loss    reconstruction * ‖decode(z1) − x1‖²  +  x2 term  +  consistency * Σ_g' w_g' s_g'
    with the x2 term, by `blend`:
        "codes"   ‖decode(Σ_g' w_g' psi(g') z1) − x2‖²   (one decode per pair)
        "errors"  Σ_g' w_g' ‖decode(psi(g') z1) − x2‖²   (every candidate decoded: |G|x dearer)
    averaged over the batch (all pairs and candidates at once, no loop). Small tau: the
    weights pick the best candidate and both blends agree. Large tau mixes candidates;
    with "codes" the weights, which depend on x2, can then copy x2 into the prediction
    without any equivariance. "errors" cannot (it is never below the best candidate's
    error): it is the one that trains with no labels at all; "codes" needs anchors. The
    consistency term (pull z2 towards the chosen psi(g') z1) is needed by both.
    anchors  optional labelled pairs (x1, g, x2): their supervised loss is added.
    Used as fit(weak_loss(model, op, ...), params, (x1, x2)); see run_weak."""
    _checks.model_and_operator(model, op)
    _checks.positive("tau", tau)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)
    if blend not in ("codes", "errors"):
        raise ValueError(f"blend: expected 'codes' or 'errors', got {blend!r}")
    if anchors is not None:
        if not isinstance(anchors, tuple) or len(anchors) != 3:
            raise ValueError("anchors: expected labelled pairs (x1, g, x2), got "
                             f"{type(anchors).__name__} of length {len(anchors) if isinstance(anchors, tuple) else '?'}")
        anchors = _checks.pairs("anchors", anchors, model.shape, op.group.order)
        anchored = fast.supervised_loss(model, op, reconstruction=0.0, consistency=consistency)
    candidates = candidates_of(op)

    def objective(params, batch, rng=None):
        x1, x2 = batch
        B = x1.shape[0]
        scores, candidates_z1, z1 = candidate_scores(model, params, op, x1, x2, candidates)
        weights, z2 = _weigh(scores, candidates_z1, tau)
        loss = consistency * np.sum(weights * scores)
        if blend == "errors":
            K, L = candidates_z1.shape[1:]
            decoded = np.reshape(model.decode(params, np.reshape(candidates_z1, (B * K, L))), (B, K, -1))
            errors = np.sum((decoded - np.reshape(x2, (B, 1, -1))) ** 2, axis=2)  # (B, |G|)
            loss = loss + np.sum(weights * errors)
            if reconstruction:  # candidate 0 is psi(e) z1 = z1
                loss = loss + reconstruction * np.sum((decoded[:, 0] - np.reshape(x1, (B, -1))) ** 2)
        else:
            decoded = model.decode(params, np.concatenate([z1, z2]) if reconstruction else z2)
            loss = loss + np.sum((decoded[-B:] - x2) ** 2)
            if reconstruction:
                loss = loss + reconstruction * np.sum((decoded[:B] - x1) ** 2)
        return loss / B + (0.0 if anchors is None else anchored(params, anchors))

    objective.check = lambda params, data: (check_params(model, params, exact=False),
                                            _weak_pairs(model, data))
    return objective


def infer(model, params, op, x1, x2):
    """The model's guess of the transformation: the best candidate argmin_g' ‖psi(g') z1 − z2‖².
    x1, x2 (B, *shape) -> int (B,), in the model's own labelling of the group."""
    _checks.model_and_operator(model, op)
    check_params(model, params)
    x1, x2 = _weak_pairs(model, (x1, x2))
    scores = candidate_scores(model, params, op, x1, x2)[0]
    return np.argmin(scores, axis=1).astype(np.intp)


def weak_predict(model, params, op, x1, x2, tau):
    """The weak loss's guess of x2: decode(Σ_g' w_g' psi(g') z1) with w = softmax(−scores / tau).
    x1, x2 (B, *shape) -> (prediction (B, *shape), weights (B, |G|))."""
    _checks.model_and_operator(model, op)
    check_params(model, params)
    _checks.positive("tau", tau)
    x1, x2 = _weak_pairs(model, (x1, x2))
    scores, codes, _ = candidate_scores(model, params, op, x1, x2)
    weights, z2 = _weigh(scores, codes, tau)
    return model.decode(params, z2), weights


# The last stage of a linear run: recipes.WHITENED, 1500 steps. With recipes.run's 1000 the
# model is as exact, but the held-out labels it infers (coset accuracy) lose a seed of the
# sweep with 16 anchors (0.73).
LAST_STAGE = dict(recipes.WHITENED, steps=1500)

WeakRun = namedtuple("WeakRun", "kind model op params seconds g_pred sigma coset by_stabilizer error")


def run_weak(kind, group, train_pairs, test_pairs, anchors=16, tau=0.3, consistency=1.0,
             latent_dim=None, seed=0, steps=500, batch_size=64, blend=None):
    """Train the shift operator from pairs (x1, x2) without their g, then score it.

    anchors  how many training pairs keep their label (0: none). With anchors: a
             supervised warm start on them (recipes.SETTINGS), then `steps` steps of the
             weak loss with them added. Without: the weak loss alone, `steps` steps at
             each of 30·tau, 10·tau, 3·tau, tau, tau/3, tau/10 (annealing lets the scores
             organise before the weights become sharp).
    blend    weak_loss's: by default "errors" without anchors, "codes" (cheaper) with.
    Both end with self-labelling, the tau -> 0 limit of the weak loss: every training pair
    gets the model's best candidate as its label (anchors keep theirs) and the model is
    trained on them with the supervised loss: a linear model afresh on whitened pairs as
    recipes.run(whiten=True) does (exact, not stopped at Adam's noise floor; LAST_STAGE), an MLP from
    where it is with recipes.SETTINGS for twice its steps.
    Returns a WeakRun: model, op, params, seconds, g_pred (the model's labels of the held-out
    pairs), sigma (relabelling: the model says sigma(g)), coset (accuracy after it),
    by_stabilizer (identifiability.accuracy_by_stabilizer after it) and error (held-out
    prediction error of x2 from x1 and sigma(g), comparable with recipes.run's)."""
    _checks.cyclic_factors(group, "run_weak (its relabelling enumerates the automorphisms)")
    latent_dim = group.order if latent_dim is None else latent_dim
    model, op = recipes.build(kind, "shift", group, latent_dim)
    x1, _, x2 = _checks.pairs("train_pairs", train_pairs, group.shape, group.order)
    _checks.pairs("test_pairs", test_pairs, group.shape, group.order)
    if isinstance(anchors, bool) or not isinstance(anchors, (int, np.integer)) or not 0 <= anchors <= len(x1):
        raise ValueError(f"anchors: expected a number of pairs in [0, {len(x1)}], got {anchors!r}")
    _checks.positive("tau", tau)
    _checks.seed("seed", seed)
    _checks.positive("steps", steps, integer=True)
    if blend not in (None, "codes", "errors"):
        raise ValueError(f"blend: expected None, 'codes' or 'errors', got {blend!r}")
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(x1), anchors, replace=False) if anchors else None
    labelled = None if pick is None else tuple(a[pick] for a in train_pairs)
    start = time.perf_counter()
    params = model.init(rng)
    if labelled is None:
        taus = [30 * tau, 10 * tau, 3 * tau, tau, tau / 3, tau / 10]
    else:
        taus = [tau]
        params, _ = train.fit(fast.supervised_loss(model, op, consistency=consistency), params,
                              labelled, seed=seed, **recipes.SETTINGS[kind])
    for t in taus:
        loss = weak_loss(model, op, tau=t, consistency=consistency, anchors=labelled,
                         blend=blend or ("codes" if labelled else "errors"))
        params, _ = train.fit(loss, params, (x1, x2), steps=steps, batch_size=batch_size,
                              step_size=1e-2, seed=seed)
    labels = infer(model, params, op, x1, x2)
    if pick is not None:
        labels[pick] = labelled[1]
    if kind == "linear":  # the last stage is supervised: recipes.run(whiten=True) on the labels
        params, _ = recipes.fit_whitened(group, fast.supervised_loss(model, op), model.init(rng),
                                         (x1, labels, x2), seed=seed, **LAST_STAGE)
    else:
        final = {**recipes.SETTINGS[kind], "steps": 2 * recipes.SETTINGS[kind]["steps"]}
        params, _ = train.fit(fast.supervised_loss(model, op), params, (x1, labels, x2), seed=seed, **final)
    seconds = time.perf_counter() - start
    x1, g, x2 = test_pairs
    g_pred = infer(model, params, op, x1, x2)
    if labelled is None:
        sigma, coset = identifiability.best_relabelling(group, x1, g_pred, x2)
    else:
        sigma = identifiability.anchored_relabelling(
            group, infer(model, params, op, labelled[0], labelled[2]), labelled[1])
        coset = identifiability.coset_accuracy(group, x1, identifiability.relabel(sigma, g_pred), x2)
    relabelled = identifiability.relabel(sigma, g_pred)
    return WeakRun(kind, model, op, params, seconds, g_pred, sigma, coset,
                   identifiability.accuracy_by_stabilizer(group, x1, relabelled, g, x2),
                   metrics.prediction_error(model, params, op, (x1, sigma[g], x2)))
