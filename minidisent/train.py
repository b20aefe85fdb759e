"""Losses and training.

An objective is a function objective(params, batch, rng) -> scalar, built by a loss
constructor from a model and an operator; `fit` minimises it with autograd's Adam on
minibatches of a data tuple such as the pairs (x1, g, x2) from data.pairs.
"""
import sys

import autograd.numpy as np
import numpy as onp
from autograd import value_and_grad
from autograd.misc.optimizers import adam

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
        decoded = model.decode(params, np.concatenate([z1, z2]) if reconstruction else z2)
        loss = np.sum((decoded[-B:] - x2) ** 2)
        if reconstruction:
            loss = loss + reconstruction * np.sum((decoded[:B] - x1) ** 2)
        if consistency:
            loss = loss + consistency * np.sum((model.encode(params, x2) - z2) ** 2)
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
    stages = 1 if decay == 1 else 10
    ends = onp.linspace(0, steps, stages + 1).astype(int)
    for stage in range(stages):
        start = ends[stage]

        def gradient(p, i):
            step = start + i
            with onp.errstate(over="ignore", invalid="ignore"):  # reported below, by step
                value, grad = loss_and_grad(p, tuple(a[rows[step]] for a in data), rng)
            if not onp.isfinite(value):
                diverged(f"the loss became {value} at step {step}")
            history[step] = value
            if progress and (step + 1) % max(1, steps // 10) == 0:
                print(f"step {step + 1:6d}/{steps}  loss {value:.3e}", file=sys.stderr, flush=True)
            return grad

        rate = step_size * decay ** (stage / max(1, stages - 1))
        # overflow inside the loss or Adam's update is reported as divergence, not as warnings
        with onp.errstate(over="ignore", invalid="ignore", divide="ignore"):
            params = adam(gradient, params, num_iters=ends[stage + 1] - start, step_size=rate)
    if not all(onp.all(onp.isfinite(v)) for v in params.values()):
        diverged(f"the parameters became NaN/inf at the last step {steps - 1}")
    return params, history


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
