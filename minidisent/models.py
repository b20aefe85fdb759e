"""Autoencoders as pure functions of a plain dict of float64 arrays.

A Model bundles  init(rng) -> params,  encode(params, X) -> Z,  decode(params, Z) -> X
with X (B, *shape) images and Z (B, latent_dim) codes.
"""
from collections import namedtuple

import autograd.numpy as np

from . import _checks

Model = namedtuple("Model", "name shape latent_dim init encode decode")


def _shape(shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for i, s in enumerate(shape):
        _checks.positive(f"shape[{i}]", s, integer=True)
    return shape


def linear(shape, latent_dim, scale=None):
    """z = x W_enc, x̂ = z W_dec (no biases): params {"encoder": (n, L), "decoder": (L, n)}."""
    shape = _shape(shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    n = int(np.prod(shape))

    def init(rng):
        _checks.generator("rng", rng)
        s = 1 / np.sqrt(n) if scale is None else scale
        return {"encoder": rng.normal(0, s, (n, latent_dim)),
                "decoder": rng.normal(0, s, (latent_dim, n))}

    def encode(params, X):
        return np.reshape(X, (X.shape[0], n)) @ params["encoder"]

    def decode(params, Z):
        return np.reshape(Z @ params["decoder"], (Z.shape[0],) + shape)

    return Model("linear", shape, latent_dim, init, encode, decode)


def mlp(shape, latent_dim, hidden=(128,)):
    """Encoder x -> tanh layers of sizes `hidden` -> z; decoder z -> the same in reverse -> x̂.
    params: "encoder_w{i}", "encoder_b{i}", "decoder_w{i}", "decoder_b{i}" for each layer i."""
    shape = _shape(shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    hidden = tuple(hidden)
    for i, h in enumerate(hidden):
        _checks.positive(f"hidden[{i}]", h, integer=True)
    n = int(np.prod(shape))
    sizes = {"encoder": (n,) + hidden + (latent_dim,), "decoder": (latent_dim,) + hidden[::-1] + (n,)}

    def init(rng):
        _checks.generator("rng", rng)
        params = {}
        for part, widths in sizes.items():
            for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
                params[f"{part}_w{i}"] = rng.normal(0, 1 / np.sqrt(a), (a, b))
                params[f"{part}_b{i}"] = np.zeros(b)
        return params

    def forward(params, part, H):
        layers = len(sizes[part]) - 1
        for i in range(layers):
            H = H @ params[f"{part}_w{i}"] + params[f"{part}_b{i}"]
            if i < layers - 1:
                H = np.tanh(H)
        return H

    def encode(params, X):
        return forward(params, "encoder", np.reshape(X, (X.shape[0], n)))

    def decode(params, Z):
        return np.reshape(forward(params, "decoder", Z), (Z.shape[0],) + shape)

    return Model("mlp", shape, latent_dim, init, encode, decode)


VAE = namedtuple("VAE", Model._fields + ("posterior",))
VAE.__doc__ = """A Model whose encoder is a Gaussian posterior q(z|x) = N(mean, diag(exp(log_variance))):
encode(params, X) gives the mean (B, L); posterior(params, X) gives (mean, log_variance), each (B, L)."""


def vae(shape, latent_dim, hidden=(64,)):
    """A variational autoencoder: the mlp encoder with 2*latent_dim outputs (mean, then
    log-variance) and the mlp decoder; hidden=() makes both affine (a linear VAE).
    params: the "encoder_*" keys of mlp(shape, 2L, hidden), the "decoder_*" keys of mlp(shape, L, hidden)."""
    shape = _shape(shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    to_moments, from_code = mlp(shape, 2 * latent_dim, hidden), mlp(shape, latent_dim, hidden)

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
    return VAE(name, shape, latent_dim, init, encode, from_code.decode, posterior)
