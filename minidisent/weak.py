"""Weak supervision (chapter 08): learning the shift operator from pairs (x1, x2) whose
transformation g is not given. Every candidate g' is scored by ‖psi(g') z1 − z2‖², and a
softmax with temperature tau over the scores stands in for the missing label.
"""
import time
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import _checks, fast, identifiability, metrics, recipes, train
from .fast import gather_candidates
from .models import check_params


# Bytes the candidate codes of one call may take (|G| x L x L matrices of a non-permutation
# operator, or the (B, |G|, L) candidates of a batch, of which training holds several at once):
# 64 MiB, checked before allocating.
MAX_BYTES = 2 ** 26


def candidate_bytes(op, batch_size):
    """Bytes of float64 candidates (B, |G|, L) a batch of `batch_size` pairs scores at once."""
    return 8 * int(batch_size) * op.group.order * op.latent_dim


def _mib(n):
    return f"{n / 2 ** 20:,.1f} MiB"


def _permutation_index(op):
    """int (|G|, L) with (psi(k) z)[l] = z[index[k, l]] if every psi(k) permutes the latent
    (shift, stacked_shift, identity), else None; costs |G|·L, never |G|·L²."""
    K, L = op.group.order, op.latent_dim
    ks = onp.arange(K)
    index = onp.asarray(op.apply(onp.tile(onp.arange(L, dtype=float), (K, 1)), ks))
    if not onp.array_equal(onp.sort(index, axis=1), onp.tile(onp.arange(L), (K, 1))):
        return None
    index = index.astype(onp.intp)
    probe = onp.random.default_rng(0).standard_normal((K, L))  # a permutation moves any z so
    moved = onp.asarray(op.apply(probe, ks))
    return index if onp.array_equal(moved, onp.take_along_axis(probe, index, axis=1)) else None


def candidates_of(op):
    """candidates(Z) -> (B, |G|, L), [b, k] = psi(k) Z[b]: every candidate code at once.
    A permutation operator (shift, identity) is one gather (fast.gather_candidates, whose
    gradient avoids a scatter-add); any other multiplies by the stack of its matrices
    (|G| x L x L numbers: refused above MAX_BYTES before it is built)."""
    index = _permutation_index(op)
    if index is not None:
        inverse = onp.argsort(index, axis=1)
        return lambda Z: gather_candidates(Z, index, inverse)
    size = 8 * op.group.order * op.latent_dim ** 2
    if size > MAX_BYTES:
        raise ValueError(f"op: expected |G| x L x L matrices within {_mib(MAX_BYTES)}, got {op!r}: "
                         f"{op.group.order} x {op.latent_dim} x {op.latent_dim} floats = "
                         f"{_mib(size)}")
    matrices = np.stack([op.matrix(k) for k in range(op.group.order)])  # (|G|, L, L)
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
    """Softmax weights w = softmax(−scores / tau) (B, |G|) and the weighted code
    Σ w psi(g') z1 (B, L)."""
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
                             f"{type(anchors).__name__} of length "
                             f"{len(anchors) if isinstance(anchors, tuple) else '?'}")
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
            decoded = np.reshape(model.decode(params, np.reshape(candidates_z1, (B * K, L))),
                                 (B, K, -1))
            errors = np.sum((decoded - np.reshape(x2, (B, 1, -1))) ** 2, axis=2)  # (B, |G|)
            loss = loss + np.sum(weights * errors)
            if reconstruction:  # candidate 0 is psi(e) z1 = z1
                flat_x1 = np.reshape(x1, (B, -1))
                loss = loss + reconstruction * np.sum((decoded[:, 0] - flat_x1) ** 2)
        elif reconstruction:
            decoded_x1, decoded_x2 = train.decode_pair(model, params, z1, z2)
            loss = loss + np.sum((decoded_x2 - x2) ** 2)
            loss = loss + reconstruction * np.sum((decoded_x1 - x1) ** 2)
        else:
            loss = loss + np.sum((model.decode(params, z2) - x2) ** 2)
        return loss / B + (0.0 if anchors is None else anchored(params, anchors))

    objective.check = lambda params, data: (check_params(model, params, exact=False),
                                            _weak_pairs(model, data))
    objective.value_and_grad = fast.value_and_grad_of(objective)
    return objective


def infer(model, params, op, x1, x2):
    """The model's guess of the transformation: the best candidate argmin_g' ‖psi(g') z1 − z2‖².
    x1, x2 (B, *shape) -> int (B,), in the model's own labelling of the group. Scored in
    pieces whose candidates (rows, |G|, L) stay within MAX_BYTES."""
    _checks.model_and_operator(model, op)
    check_params(model, params)
    x1, x2 = _weak_pairs(model, (x1, x2))
    candidates = candidates_of(op)
    rows = max(1, MAX_BYTES // candidate_bytes(op, 1))
    pieces = [candidate_scores(model, params, op, x1[i:i + rows], x2[i:i + rows], candidates)[0]
              for i in range(0, len(x1), rows)]  # scores (rows, |G|) each
    best = [np.argmin(scores, axis=1) for scores in pieces]
    return onp.concatenate(best).astype(onp.intp)


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


# --- run_weak in stages: what chapter 08 teaches, one function each ------------------------

# The last stage of a linear run: recipes.WHITENED, 1500 steps. With recipes.run's 1000 the
# model is as exact, but the held-out labels it infers (coset accuracy) lose a seed of the
# sweep with 16 anchors (0.73).
LAST_STAGE = dict(recipes.WHITENED, steps=1500)
MAX_STEPS = 10 ** 6  # per temperature: train.fit keeps the loss of every step

WeakRun = namedtuple("WeakRun",
                     "kind model op params seconds g_pred sigma coset by_stabilizer error")
Score = namedtuple("Score", "g_pred sigma coset by_stabilizer error")


def schedule(tau=0.3, anchored=True):
    """The temperatures `anneal` trains at: [tau] with anchors (the warm start has already
    organised the scores); without, 30·tau, 10·tau, 3·tau, tau, tau/3, tau/10 (from 9 down to
    0.03 for tau = 0.3): the scores organise while the weights are soft, then they sharpen."""
    _checks.positive("tau", tau)
    return [tau] if anchored else [30 * tau, 10 * tau, 3 * tau, tau, tau / 3, tau / 10]


def warm_start(kind, model, op, params, anchors, consistency=1.0, seed=0):
    """Stage 1 (with anchors only): the supervised loss on the labelled pairs
    anchors = (x1, g, x2), with recipes.SETTINGS[kind]. Returns the trained params."""
    _kind(kind)
    loss = fast.supervised_loss(model, op, consistency=consistency)
    return recipes.fit(kind, loss, params, anchors, seed=seed, **recipes.SETTINGS[kind])[0]


def anneal(model, op, params, pairs, taus, anchors=None, consistency=1.0, steps=500,
           batch_size=64, seed=0):
    """Stage 2: `steps` steps of weak_loss at each temperature of `taus` in turn (see
    schedule) on pairs = (x1, x2), with the labelled anchors (x1, g, x2) added if given;
    blend "codes" with anchors, "errors" without (weak_loss says why). Returns the params."""
    _anneal_arguments(op, taus, steps, batch_size)
    blend = "errors" if anchors is None else "codes"
    for tau in taus:
        loss = weak_loss(model, op, tau=tau, consistency=consistency, anchors=anchors, blend=blend)
        params, _ = train.fit(loss, params, pairs, steps=steps, batch_size=batch_size,
                              step_size=1e-2, seed=seed)
    return params


def self_label(model, params, op, pairs, anchors=None):
    """Stage 3, the tau -> 0 limit of the weak loss: each pair (x1, x2) gets the model's best
    candidate as its label (infer); anchors = (index, g) keep their given labels g.
    Returns the labelled pairs (x1, labels, x2)."""
    x1, x2 = pairs
    labels = infer(model, params, op, x1, x2)
    if anchors is not None:
        labels[anchors[0]] = anchors[1]
    return x1, labels, x2


def last_stage(kind, group, model, op, params, labelled, rng, seed=0):
    """Stage 4: the supervised loss on the self-labelled pairs (x1, labels, x2). A linear
    model trains afresh (model.init(rng)) on whitened pairs with LAST_STAGE, as
    recipes.run(whiten=True) does (exact, not stopped at Adam's noise floor); an MLP goes on
    from params with recipes.SETTINGS[kind] for twice its steps. Returns the params."""
    loss = fast.supervised_loss(model, op)
    if _kind(kind) == "linear":
        return recipes.fit_whitened(group, loss, model.init(rng), labelled, seed=seed,
                                    **LAST_STAGE)[0]
    final = {**recipes.SETTINGS[kind], "steps": 2 * recipes.SETTINGS[kind]["steps"]}
    return recipes.fit(kind, loss, params, labelled, seed=seed, **final)[0]


def score(group, model, params, op, test_pairs, anchors=None):
    """Stage 5, on held-out pairs (x1, g, x2) whose g the model never saw. Returns a Score:
    g_pred (the model's labels, infer), sigma (the relabelling, the model says sigma(g): read
    off the labelled anchors (x1, g, x2) if given, else the best automorphism), coset
    (accuracy after it), by_stabilizer (identifiability.accuracy_by_stabilizer) and error
    (prediction error of x2 from x1 and sigma(g), comparable with recipes.run's)."""
    x1, g, x2 = _checks.pairs("test_pairs", test_pairs, group.shape, group.order)
    g_pred = infer(model, params, op, x1, x2)
    if anchors is None:
        sigma, coset = identifiability.best_relabelling(group, x1, g_pred, x2)
    else:
        guess = infer(model, params, op, anchors[0], anchors[2])
        sigma = identifiability.anchored_relabelling(group, guess, anchors[1])
        coset = identifiability.coset_accuracy(group, x1, identifiability.relabel(sigma, g_pred),
                                               x2)
    relabelled = identifiability.relabel(sigma, g_pred)
    by_stabilizer = identifiability.accuracy_by_stabilizer(group, x1, relabelled, g, x2)
    return Score(g_pred, sigma, coset, by_stabilizer,
                 metrics.prediction_error(model, params, op, (x1, sigma[g], x2)))


def run_weak(kind, group, train_pairs, test_pairs, anchors=16, taus=None, consistency=1.0,
             steps=500, batch_size=64, seed=0):
    """Train the shift operator from pairs (x1, x2) without their g, then score it: the
    stages above in turn. anchors: how many training pairs keep their label (0: none, no
    warm start); taus: the schedule (default schedule(0.3, anchors > 0)); steps, batch_size:
    anneal's, at each temperature. Returns a WeakRun (the Score's fields after kind, model,
    op, params and seconds)."""
    _checks.cyclic_factors(group, "run_weak (its relabelling enumerates the automorphisms)")
    model, op = recipes.build(_kind(kind), "shift", group, group.order)
    x1, _, x2 = _checks.pairs("train_pairs", train_pairs, group.shape, group.order)
    _checks.pairs("test_pairs", test_pairs, group.shape, group.order)
    if (isinstance(anchors, bool) or not isinstance(anchors, (int, onp.integer))
            or not 0 <= anchors <= len(x1)):
        raise ValueError(f"anchors: expected a number of pairs in [0, {len(x1)}], got {anchors!r}")
    taus = schedule(0.3, anchors > 0) if taus is None else taus
    _anneal_arguments(op, taus, steps, batch_size)
    _checks.seed("seed", seed)
    rng = onp.random.default_rng(seed)
    pick = rng.choice(len(x1), anchors, replace=False) if anchors else None
    labelled = None if pick is None else tuple(a[pick] for a in train_pairs)
    start = time.perf_counter()
    params = model.init(rng)
    if labelled is not None:
        params = warm_start(kind, model, op, params, labelled, consistency, seed)
    params = anneal(model, op, params, (x1, x2), taus, labelled, consistency, steps, batch_size,
                    seed)
    pairs = self_label(model, params, op, (x1, x2), None if pick is None else (pick, labelled[1]))
    params = last_stage(kind, group, model, op, params, pairs, rng, seed)
    seconds = time.perf_counter() - start
    scored = score(group, model, params, op, test_pairs, labelled)
    return WeakRun(kind, model, op, params, seconds, *scored)


def _kind(kind):
    if kind not in recipes.SETTINGS:
        raise ValueError(f"kind: expected one of {sorted(recipes.SETTINGS)}, got {kind!r}")
    return kind


def _anneal_arguments(op, taus, steps, batch_size):
    """The door of anneal (and of run_weak, before any stage trains)."""
    if isinstance(taus, (str, bytes)) or not hasattr(taus, "__len__") or len(taus) == 0:
        raise TypeError("taus: expected a non-empty list of temperatures (weak.schedule()), "
                        f"got {taus!r}")
    for i, tau in enumerate(taus):
        _checks.positive(f"taus[{i}]", tau)
    _checks.size("steps", steps)
    if steps > MAX_STEPS:
        raise ValueError(f"steps: expected at most {MAX_STEPS:,} steps per temperature "
                         f"(train.fit keeps a loss per step), got {steps:,}")
    size = candidate_bytes(op, _checks.size("batch_size", batch_size))
    if size > MAX_BYTES:
        most = MAX_BYTES // candidate_bytes(op, 1)
        raise ValueError(f"batch_size: expected at most {most} pairs for {op!r}: each batch scores "
                         f"(batch_size, |G|, L) = ({batch_size}, {op.group.order}, "
                         f"{op.latent_dim}) "
                         f"candidates = {_mib(size)}, above {_mib(MAX_BYTES)}")
