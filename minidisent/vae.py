"""The variational autoencoder baselines (chapter 09): a VAE or β-VAE trained on images alone,
never told g; posthoc.py then asks whether its code carries the group action.
"""
from collections import namedtuple

import autograd.numpy as np

from . import _checks, fast, train
from .models import Model, mlp

VAE = namedtuple("VAE", Model._fields + ("posterior",))
VAE.__doc__ = """A Model whose encoder is a Gaussian posterior
q(z|x) = N(mean, diag(exp(log_variance))): encode(params, X) gives the mean (B, L);
posterior(params, X) gives (mean, log_variance), each (B, L)."""


def model(shape, latent_dim, hidden=(64,)):
    """A variational autoencoder: the mlp encoder with 2*latent_dim outputs (mean, then
    log-variance) and the mlp decoder; hidden=() makes both affine (a linear VAE).
    params: the "encoder_*" keys of mlp(shape, 2L, hidden), the "decoder_*" keys of
    mlp(shape, L, hidden)."""
    _checks.positive("latent_dim", latent_dim, integer=True)
    to_moments, from_code = mlp(shape, 2 * latent_dim, hidden), mlp(shape, latent_dim, hidden)
    shapes = {k: v for k, v in to_moments.shapes.items() if k.startswith("encoder")}
    shapes.update({k: v for k, v in from_code.shapes.items() if k.startswith("decoder")})

    def init(rng):
        _checks.generator("rng", rng)
        params = {k: v for k, v in to_moments.init(rng).items() if k.startswith("encoder")}
        params.update({k: v for k, v in from_code.init(rng).items() if k.startswith("decoder")})
        return params

    def posterior(params, X):
        moments = to_moments.encode(params, X)  # (B, 2L)
        return moments[:, :latent_dim], moments[:, latent_dim:]

    def encode(params, X):
        return posterior(params, X)[0]

    name = "vae" if hidden else "linear vae"
    return VAE(name, to_moments.shape, latent_dim, shapes, init, encode, from_code.decode,
               posterior)


def gaussian_kl(mean, log_variance):
    """KL( N(mean, diag(exp(log_variance))) ‖ N(0, I) ) per row, in closed form:
        ½ Σ_j (mean_j² + exp(log_variance_j) − 1 − log_variance_j).
    mean, log_variance (B, L) -> (B,)."""
    return 0.5 * np.sum(mean ** 2 + np.exp(log_variance) - 1.0 - log_variance, axis=1)


def loss(model, beta=1.0, noise_std=0.1, capacity=None):
    """Negative ELBO of a vae.model on a batch whose first array is the images X (B, *shape),
    averaged over the batch (any further arrays of the batch, such as g and x2, are ignored):
        ‖decode(z) − x‖² / (2 noise_std²)  +  beta · KL(q(z|x) ‖ N(0, I)),
        z = mean + exp(log_variance / 2) · ε,  ε ~ N(0, I) drawn from the objective's rng
    (the Gaussian likelihood N(x; decode(z), noise_std² I) up to its constant). beta = 1 is
    the VAE, beta > 1 the β-VAE. With a capacity C the KL term becomes beta · |KL − C|
    (the batch-mean KL pushed towards C: the capacity-controlled variant; raise C in
    stages, see fit_vae)."""
    if not hasattr(model, "posterior"):
        raise TypeError("model: expected a vae.model (with a posterior), got "
                        f"{getattr(model, 'name', model)!r}")
    _checks.nonnegative("beta", beta)
    _checks.positive("noise_std", noise_std)
    if capacity is not None:
        _checks.nonnegative("capacity", capacity)

    def objective(params, batch, rng):
        _checks.generator("rng", rng)  # the noise of the reparameterisation
        X = batch[0]
        mean, log_variance = model.posterior(params, X)  # (B, L) each
        z = mean + np.exp(0.5 * log_variance) * rng.normal(size=mean.shape)
        squared = np.sum(np.reshape(model.decode(params, z) - X, (X.shape[0], -1)) ** 2, axis=1)
        kl = np.mean(gaussian_kl(mean, log_variance))  # nats per image
        prior = kl if capacity is None else np.abs(kl - capacity)
        return np.mean(squared) / (2 * noise_std ** 2) + beta * prior

    objective.value_and_grad = fast.value_and_grad_of(objective)
    return objective


VAE_SETTINGS = dict(steps=1500, batch_size=64, step_size=1e-2, decay=1e-2)
BETAS = {"vae": 1.0, "beta-vae": 4.0}


def fit_vae(group, images, latent_dim, beta=1.0, noise_std=None, capacity=None, hidden=(64,),
            seed=0, **overrides):
    """Train model(group.shape, latent_dim, hidden) on images (N, *shape) with `loss`;
    noise_std defaults to a tenth of the images' root-mean-square.
    capacity: None, or a final capacity C (nats) reached in 10 equal stages
    C·1/10, ..., C (the capacity-controlled variant). Returns (model, params, history)."""
    images = _checks.images("images", images, group.shape)
    autoencoder = model(group.shape, latent_dim, hidden)
    noise_std = 0.1 * float(np.sqrt(np.mean(images ** 2))) if noise_std is None else noise_std
    settings = {**VAE_SETTINGS, **overrides}
    params = autoencoder.init(np.random.default_rng(seed))
    if capacity is None:
        params, history = train.fit(loss(autoencoder, beta, noise_std), params, (images,),
                                    seed=seed, **settings)
        return autoencoder, params, history
    _checks.nonnegative("capacity", capacity)
    stages, histories = 10, []
    steps = max(1, settings.pop("steps") // stages)
    for stage in range(1, stages + 1):
        objective = loss(autoencoder, beta, noise_std, capacity=capacity * stage / stages)
        params, history = train.fit(objective, params, (images,), steps=steps, seed=seed + stage,
                                    **settings)
        histories.append(history)
    return autoencoder, params, np.concatenate(histories)


def active_dims(model, params, X, count=4):
    """The `count` latent dimensions of a vae.model with the least mean posterior variance
    on X (B, *shape): the ones that carry information, most informative first."""
    X = _checks.images("X", X, model.shape)
    _checks.positive("count", count, integer=True)
    _, log_variance = model.posterior(params, X)
    return [int(d) for d in np.argsort(np.mean(np.exp(log_variance), axis=0))[:count]]
