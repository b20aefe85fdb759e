"""Losses and training.

An objective is a function objective(params, batch, rng) -> scalar, built by a loss
constructor from a model and an operator; `fit` minimises it with Adam (autograd's
arithmetic, updated in place) on minibatches of a data tuple such as the pairs
(x1, g, x2) from data.pairs.
"""
import sys

import autograd.numpy as np
import numpy as onp
from autograd import value_and_grad
from autograd.extend import defvjp, primitive

from . import _checks


def predict(model, params, op, x1, g):
    """x1 (B, *shape), g int (B,) -> the model's guess of g·x1: decode(psi(g) encode(x1))."""
    _check_pair(model, op)
    return model.decode(params, op(model.encode(params, x1), g))


def _check_pair(model, op):
    if not all(hasattr(op, a) for a in ("group", "latent_dim")):
        raise TypeError(f"op: expected an operator such as operators.shift(G, L), got {type(op).__name__}")
    if op.latent_dim != model.latent_dim or op.group.shape != model.shape:
        raise ValueError(f"op: expected an operator on latent_dim {model.latent_dim} for images of "
                         f"shape {model.shape}, got latent_dim {op.latent_dim} and shape {op.group.shape}")


def supervised_loss(model, op, reconstruction=1.0, consistency=0.0):
    """Objective on a batch (x1, g, x2), each term a squared norm averaged over the batch:
        reconstruction * ‖decode(z1) − x1‖²  +  ‖decode(psi(g) z1) − x2‖²
        + consistency * ‖encode(x2) − psi(g) z1‖²,      z1 = encode(x1)."""
    _check_pair(model, op)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)

    def objective(params, batch, rng=None):
        if len(batch) != 3:
            raise ValueError(f"batch: expected the pairs (x1, g, x2), got {len(batch)} arrays")
        x1, g, x2 = batch
        B = x1.shape[0]
        z1 = model.encode(params, x1)
        z2 = op(z1, g)  # (B, L): the code psi(g) predicts for x2
        if reconstruction:  # one decoder pass for both codes, then split (not sliced: the
            # gradient of a slice is a slow np.add.at, the gradient of split one concatenate)
            decoded_x1, decoded_x2 = np.split(model.decode(params, np.concatenate([z1, z2])), 2)
        else:
            decoded_x2 = model.decode(params, z2)
        loss = squared_norm(decoded_x2 - x2)
        if reconstruction:
            loss = loss + reconstruction * squared_norm(decoded_x1 - x1)
        if consistency:
            loss = loss + consistency * squared_norm(model.encode(params, x2) - z2)
        return loss / B

    return objective


def _batches(n, batch_size, steps, rng):
    """Row indices (steps, batch_size): successive shuffles of range(n), one epoch after another."""
    if batch_size >= n:
        return onp.broadcast_to(onp.arange(n), (steps, n))
    epochs = -(-steps * batch_size // n)
    order = onp.concatenate([rng.permutation(n) for _ in range(epochs)])
    return order[: steps * batch_size].reshape(steps, batch_size)


def fit(objective, params, data, steps=1000, batch_size=64, step_size=1e-2, decay=1.0,
        seed=0, progress=False):
    """Minimise objective(params, batch, rng) with Adam.

    data       tuple of arrays with one common first length N, e.g. (x1, g, x2)
    batch      the same tuple restricted to batch_size rows drawn without replacement
    step_size  Adam's step; with decay < 1 it falls geometrically to step_size * decay
               at the last step (applied in 10 stages, each a fresh Adam run)
    The Adam arithmetic is autograd.misc.optimizers.adam's, bit for bit (see adam_step).
    Parameters stay float32 if given float32 (with float32 data: half the time of float64).
    Returns (params, history): the trained parameters and the loss of each step, float (steps,).
    Raises FloatingPointError naming the step if the loss stops being finite.
    """
    if not isinstance(data, tuple) or not data:
        raise TypeError(f"data: expected a non-empty tuple of arrays such as (x1, g, x2), got {type(data).__name__}")
    for i, a in enumerate(data):
        if not isinstance(a, onp.ndarray) or a.ndim == 0:
            raise TypeError(f"data[{i}]: expected a numpy array with one row per example, got {_checks._describe(a)}")
        if onp.issubdtype(a.dtype, onp.inexact) and not onp.all(onp.isfinite(a)):
            raise ValueError(f"data[{i}]: expected finite values, got {int((~onp.isfinite(a)).sum())} NaN/inf")
    lengths = {len(a) for a in data}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"data: expected arrays with one common, non-zero first length, "
                         f"got lengths {[len(a) for a in data]}")
    _checks.positive("steps", steps, integer=True)
    _checks.positive("batch_size", batch_size, integer=True)
    _checks.positive("step_size", step_size)
    _checks.positive("decay", decay)
    if decay > 1:
        raise ValueError(f"decay: expected a factor in (0, 1], got {decay}")
    _checks.seed("seed", seed)
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params: expected a non-empty dict of float arrays (model.init(rng)), "
                        f"got {type(params).__name__}")
    for k, v in params.items():
        _checks.finite_floats(f"params[{k!r}]", v)

    def diverged(what):
        raise FloatingPointError(f"fit: {what} (training diverged); try a smaller learning rate "
                                 f"step_size (it was {step_size})")

    rng = onp.random.default_rng(seed)
    rows = _batches(lengths.pop(), batch_size, steps, rng)
    history = onp.empty(steps)
    loss_and_grad = value_and_grad(objective)
    # a copy, updated in place; float64 unless given float32 (2x faster, 1e-7 resolution)
    params = {k: onp.array(v, dtype=onp.result_type(v, 1.0)) for k, v in params.items()}
    stages = 1 if decay == 1 else 10
    ends = onp.linspace(0, steps, stages + 1).astype(int)
    for stage in range(stages):
        rate = step_size * decay ** (stage / max(1, stages - 1))
        moments = {k: (onp.zeros_like(v), onp.zeros_like(v)) for k, v in params.items()}  # fresh Adam
        for i, step in enumerate(range(ends[stage], ends[stage + 1])):
            with onp.errstate(over="ignore", invalid="ignore"):  # reported below, by step
                value, grad = loss_and_grad(params, tuple(a[rows[step]] for a in data), rng)
            if not onp.isfinite(value):
                diverged(f"the loss became {value} at step {step}")
            history[step] = value
            if progress and (step + 1) % max(1, steps // 10) == 0:
                print(f"step {step + 1:6d}/{steps}  loss {value:.3e}", file=sys.stderr, flush=True)
            # overflow inside Adam's update is reported as divergence, not as warnings
            with onp.errstate(over="ignore", invalid="ignore", divide="ignore"):
                adam_step(params, grad, moments, i, rate)
    if not all(onp.all(onp.isfinite(v)) for v in params.values()):
        diverged(f"the parameters became NaN/inf at the last step {steps - 1}")
    return params, history


def adam_step(params, grad, moments, i, step_size, b1=0.9, b2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba 2015), in place on the dicts `params` and `moments`
    (key -> (m, v), zero before step i = 0). The same arithmetic as
    autograd.misc.optimizers.adam, bit for bit, but on each array where it lies: that one
    flattens the parameters and the gradient into new vectors and allocates new m, v and x
    every step, which costs as much as the matrix products of a small model
    (python -m minidisent.bench measures both)."""
    for k, g in grad.items():
        x, (m, v) = params[k], moments[k]
        m *= b1
        m += (1 - b1) * g  # m = (1 - b1) g + b1 m, first moment
        v *= b2
        v += (1 - b2) * g ** 2  # v = (1 - b2) g² + b2 v, second moment
        x -= step_size * (m / (1 - b1 ** (i + 1))) / (onp.sqrt(v / (1 - b2 ** (i + 1))) + eps)


@primitive
def squared_norm(r):
    """Σ r² over every entry of r, differentiable: its gradient 2 r is one pass over r
    (np.sum(r ** 2) gives the same numbers but its gradient takes four, through np.power)."""
    return onp.sum(onp.square(r))


defvjp(squared_norm, lambda ans, r: lambda g: (2 * g) * r)


def _operator(group, latent_dim, operator):
    """An Operator for (group, latent_dim) from an instance or the name of a real operator."""
    from . import operators
    if isinstance(operator, str):
        names = ("shift", "disentangled", "identity", "real_fourier")
        if operator not in names:
            raise ValueError(f"operator: expected one of {names} or an Operator, got {operator!r}")
        return getattr(operators, operator)(group, latent_dim)
    if not isinstance(operator, operators.Operator):
        raise TypeError(f"operator: expected an Operator or its name, got {type(operator).__name__}")
    if operator.group is not group or operator.latent_dim != latent_dim:
        raise ValueError(f"operator: expected an operator of {group.name} on latent_dim {latent_dim}, "
                         f"got {operator!r}")
    return operator


def closed_form_linear(group, X, latent_dim, operator):
    """The best linear autoencoder whose encoder intertwines the pixel representation and
    the operator (encode(g·x) = psi(g) encode(x)), for an abelian group.

    By Schur's lemma such an encoder maps the isotypic component f of the pixels (basis
    U_f, multiplicity m_f) into that of the latent (basis B_f, multiplicity l_f); the best
    choice keeps the top min(m_f, l_f) principal components of the data inside component f
    (z = B_f V_f^* U_f^* x), and the decoder maps them back. Every pair (x, g·x) is then
    predicted with x's reconstruction error, whatever g.
    X (B, *shape); operator: an Operator on (group, latent_dim) or one of "shift",
    "disentangled", "identity", "real_fourier" (real operators: models.linear is real).
    Returns (params, error): params {"encoder": (n, L), "decoder": (L, n)} for
    models.linear(group.shape, latent_dim), and the predicted relative prediction error
    (the discarded energy over the total energy of X). Averaged over all g, no linear model
    with this operator does better (see chapter 04)."""
    from . import fourier
    _checks.positive("latent_dim", latent_dim, integer=True)
    op = _operator(group, latent_dim, operator)
    X = _checks.images("X", X, group.shape)
    flat = X.reshape(len(X), -1)
    if not onp.any(flat):
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    psi = onp.stack([op.matrix(g) for g in range(group.order)])  # (|G|, L, L)
    if onp.iscomplexobj(psi):
        raise ValueError(f"operator: expected a real operator (models.linear is real), got {op.name}; "
                         "use shift or real_fourier and change basis with operators.fourier_basis")
    pixel, latent, conj_of = fourier.isotypic_bases(group), fourier.isotypic_bases(group, psi), fourier.dual(group)
    encoder = onp.zeros((group.n_pixels, latent_dim), complex)
    decoder = onp.zeros((latent_dim, group.n_pixels), complex)
    spectrum, vectors, kept = [None] * group.order, [None] * group.order, []
    for f in range(group.order):
        if conj_of[f] < f:  # the conjugate irrep: conjugate coefficients, conjugate PCA
            spectrum[f], vectors[f] = spectrum[conj_of[f]], onp.conj(vectors[conj_of[f]])
        else:
            spectrum[f], vectors[f] = fourier.component_pca(pixel[f], flat)
        k = min(pixel[f].shape[1], latent[f].shape[1])
        U, V, B = pixel[f], vectors[f][:, :k], latent[f][:, :k]
        encoder += onp.conj(U) @ onp.conj(V) @ B.T  # rows: z = x @ encoder = B V^* U^* x
        decoder += onp.conj(B) @ V.T @ U.T          # rows: x̂ = z @ decoder = U V B^* z
        kept.append(k)
    return ({"encoder": encoder.real, "decoder": decoder.real},
            fourier.optimal_error(spectrum, kept))


def latent_blocks(group, X, target):
    """Smallest number of blocks d for which the shift operator on latent (|G|, d) reaches
    a relative error <= target in closed form: it keeps the top d principal components of
    X (B, *shape) in every isotypic component. Returns (d, error at d)."""
    from . import fourier
    _checks.nonnegative("target", target)
    spectrum = fourier.spectrum(group, X)
    for d in range(1, max(len(s) for s in spectrum) + 1):
        error = fourier.optimal_error(spectrum, [d] * group.order)
        if error <= target:
            return d, error
    return max(len(s) for s in spectrum), 0.0


def gaussian_kl(mean, log_variance):
    """KL( N(mean, diag(exp(log_variance))) ‖ N(0, I) ) per row, in closed form:
        ½ Σ_j (mean_j² + exp(log_variance_j) − 1 − log_variance_j).
    mean, log_variance (B, L) -> (B,)."""
    return 0.5 * np.sum(mean ** 2 + np.exp(log_variance) - 1.0 - log_variance, axis=1)


def vae_loss(model, beta=1.0, noise_std=0.1, capacity=None):
    """Negative ELBO of a models.vae on a batch whose first array is the images X (B, *shape),
    averaged over the batch (any further arrays of the batch, such as g and x2, are ignored):
        ‖decode(z) − x‖² / (2 noise_std²)  +  beta · KL(q(z|x) ‖ N(0, I)),
        z = mean + exp(log_variance / 2) · ε,  ε ~ N(0, I) drawn from the objective's rng
    (the Gaussian likelihood N(x; decode(z), noise_std² I) up to its constant). beta = 1 is
    the VAE, beta > 1 the β-VAE. With a capacity C the KL term becomes beta · |KL − C|
    (the batch-mean KL pushed towards C: the capacity-controlled variant; raise C in
    stages, see baselines.fit_vae)."""
    if not hasattr(model, "posterior"):
        raise TypeError(f"model: expected a models.vae (with a posterior), got {getattr(model, 'name', model)!r}")
    _checks.nonnegative("beta", beta)
    _checks.positive("noise_std", noise_std)
    if capacity is not None:
        _checks.nonnegative("capacity", capacity)

    def objective(params, batch, rng):
        _checks.generator("rng", rng)
        X = batch[0]
        mean, log_variance = model.posterior(params, X)  # (B, L) each
        z = mean + np.exp(0.5 * log_variance) * rng.normal(size=mean.shape)
        squared = np.sum(np.reshape(model.decode(params, z) - X, (X.shape[0], -1)) ** 2, axis=1)
        kl = np.mean(gaussian_kl(mean, log_variance))  # nats per image
        prior = kl if capacity is None else np.abs(kl - capacity)
        return np.mean(squared) / (2 * noise_std ** 2) + beta * prior

    return objective


# --- Weak supervision: pairs (x1, x2) whose transformation g is not given -------------

def _candidate_map(op):
    """How to apply every psi(g') at once. A permutation operator (shift, identity) is a
    gather: index int (|G|, L) with (psi(g') z)[l] = z[index[g', l]]. Any other is a stack
    of matrices (|G|, L, L). Cached on the operator."""
    if getattr(op, "_candidate_map", None) is None:
        matrices = onp.stack([op.matrix(k) for k in range(op.group.order)])  # (|G|, L, L)
        permutes = onp.all((matrices == 0) | (matrices == 1)) and onp.all(matrices.sum(axis=2) == 1)
        op._candidate_map = ("gather", onp.argmax(matrices, axis=2)) if permutes else ("matrix", matrices)
    return op._candidate_map


@primitive
def _gather_candidates(Z, index, inverse):
    """Z (B, L), index int (K, L) with every row a permutation -> (B, K, L), [b, k] = Z[b, index[k]].
    The gradient sums the K inverse gathers (inverse[k] undoes index[k]; no scatter-add)."""
    return Z[:, index]


defvjp(_gather_candidates, lambda ans, Z, index, inverse:
       lambda G: np.sum(G[:, onp.arange(len(index))[:, None], inverse], axis=1))


def candidate_scores(model, params, op, x1, x2):
    """Score every candidate g' for each pair: ‖psi(g') z1 − z2‖², z = encode(x).
    x1, x2 (B, *shape) -> (scores (B, |G|), candidates (B, |G|, L) = psi(g') z1, z1 (B, L))."""
    z1, z2 = model.encode(params, x1), model.encode(params, x2)  # (B, L) each
    kind, table = _candidate_map(op)
    candidates = _gather_candidates(z1, table, onp.argsort(table, axis=1)) if kind == "gather" \
        else np.einsum("kml,bl->bkm", table, z1)
    cross = np.matmul(candidates, z2[:, :, None])[:, :, 0]  # (B, |G|): <psi(g') z1, z2>
    scores = np.sum(candidates ** 2, axis=2) - 2 * cross + np.sum(z2 ** 2, axis=1, keepdims=True)
    return scores, candidates, z1


def _check_weak_batch(model, batch):
    if not isinstance(batch, tuple) or len(batch) != 2:
        got = f"a tuple of {len(batch)}" if isinstance(batch, tuple) else type(batch).__name__
        raise ValueError(f"batch: expected pairs (x1, x2) without g, got {got}")
    x1 = _checks.images("x1", batch[0], model.shape)
    x2 = _checks.images("x2", batch[1], model.shape)
    if len(x2) != len(x1):
        raise ValueError(f"x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return batch


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
    Used as fit(weak_loss(model, op, ...), params, (x1, x2)); see experiments.run_weak."""
    _check_pair(model, op)
    _checks.positive("tau", tau)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)
    if blend not in ("codes", "errors"):
        raise ValueError(f"blend: expected 'codes' or 'errors', got {blend!r}")
    if anchors is not None:
        if not isinstance(anchors, tuple) or len(anchors) != 3:
            raise ValueError("anchors: expected labelled pairs (x1, g, x2), got "
                             f"{type(anchors).__name__} of length {len(anchors) if isinstance(anchors, tuple) else '?'}")
        a1, a2 = _check_weak_batch(model, (anchors[0], anchors[2]))
        anchors = (a1, _checks.elements("anchors g", anchors[1], op.group.order, length=len(a1)), a2)
        anchored = supervised_loss(model, op, reconstruction=0.0, consistency=consistency)

    def objective(params, batch, rng=None):
        x1, x2 = _check_weak_batch(model, batch)
        B = x1.shape[0]
        scores, candidates, z1 = candidate_scores(model, params, op, x1, x2)
        weights, z2 = _weigh(scores, candidates, tau)
        loss = consistency * np.sum(weights * scores)
        if blend == "errors":
            K, L = candidates.shape[1:]
            decoded = np.reshape(model.decode(params, np.reshape(candidates, (B * K, L))), (B, K, -1))
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

    return objective


def infer(model, params, op, x1, x2):
    """The model's guess of the transformation: the best candidate argmin_g' ‖psi(g') z1 − z2‖².
    x1, x2 (B, *shape) -> int (B,), in the model's own labelling of the group."""
    _check_pair(model, op)
    x1, x2 = _check_weak_batch(model, (x1, x2))
    scores = candidate_scores(model, params, op, x1, x2)[0]
    return onp.argmin(scores, axis=1).astype(onp.intp)


def weak_predict(model, params, op, x1, x2, tau):
    """The weak loss's guess of x2: decode(Σ_g' w_g' psi(g') z1) with w = softmax(−scores / tau).
    x1, x2 (B, *shape) -> (prediction (B, *shape), weights (B, |G|))."""
    _check_pair(model, op)
    _checks.positive("tau", tau)
    x1, x2 = _check_weak_batch(model, (x1, x2))
    scores, candidates, _ = candidate_scores(model, params, op, x1, x2)
    weights, z2 = _weigh(scores, candidates, tau)
    return model.decode(params, z2), weights
