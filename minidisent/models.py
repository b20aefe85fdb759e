"""Autoencoders as pure functions of a plain dict of float64 arrays.

A Model bundles  init(rng) -> params,  encode(params, X) -> Z,  decode(params, Z) -> X
with X (B, *shape) images and Z (B, latent_dim) codes.
"""
import functools
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import _checks

Model = namedtuple("Model", "name shape latent_dim init encode decode")


def _shape(shape):
    if not isinstance(shape, (int, onp.integer, tuple, list)) or isinstance(shape, bool):
        raise TypeError(f"shape: expected an int n or a tuple such as (h, w), got {type(shape).__name__} {shape!r}")
    shape = (shape,) if isinstance(shape, (int, onp.integer)) else tuple(shape)
    for i, s in enumerate(shape):
        _checks.positive(f"shape[{i}]", s, integer=True)
    return shape


def linear(shape, latent_dim, scale=None):
    """z = x W_enc, x̂ = z W_dec (no biases): params {"encoder": (n, L), "decoder": (L, n)}."""
    shape = _shape(shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    if scale is not None:
        _checks.positive("scale", scale)
    n = int(np.prod(shape))
    shapes = {"encoder": (n, latent_dim), "decoder": (latent_dim, n)}

    def init(rng):
        _checks.generator("rng", rng)
        s = 1 / np.sqrt(n) if scale is None else scale
        return {"encoder": rng.normal(0, s, (n, latent_dim)),
                "decoder": rng.normal(0, s, (latent_dim, n))}

    def encode(params, X):
        _inputs(params, {"encoder": shapes["encoder"]}, "X", X, shape)
        return np.reshape(X, (X.shape[0], n)) @ params["encoder"]

    def decode(params, Z):
        _inputs(params, {"decoder": shapes["decoder"]}, "Z", Z, (latent_dim,), finite=False, kind=np.inexact)
        return np.reshape(Z @ params["decoder"], (Z.shape[0],) + shape)

    return Model("linear", shape, latent_dim, init, encode, decode)


def mlp(shape, latent_dim, hidden=(128,), gain=1.0):
    """Encoder x -> tanh layers of sizes `hidden` -> z; decoder z -> the same in reverse -> x̂.
    params: "encoder_w{i}", "encoder_b{i}", "decoder_w{i}", "decoder_b{i}" for each layer i.
    Weights start ~ N(0, 1/fan_in), times `gain` in the first layer and 1/gain in the last
    of each part: a small gain starts the tanh units in their near-linear regime while
    keeping the initial map's overall scale."""
    shape = _shape(shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"hidden: expected a tuple of layer widths such as (64,), got "
                        f"{type(hidden).__name__} {hidden!r}")
    _checks.positive("gain", gain)
    hidden = tuple(hidden)
    for i, h in enumerate(hidden):
        _checks.positive(f"hidden[{i}]", h, integer=True)
    n = int(np.prod(shape))
    sizes = {"encoder": (n,) + hidden + (latent_dim,), "decoder": (latent_dim,) + hidden[::-1] + (n,)}
    shapes = {part: {} for part in sizes}  # part -> {key: shape} of its parameters
    for part, widths in sizes.items():
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            shapes[part][f"{part}_w{i}"], shapes[part][f"{part}_b{i}"] = (a, b), (b,)

    def init(rng):
        _checks.generator("rng", rng)
        params = {}
        for part, widths in sizes.items():
            last = len(widths) - 2
            for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
                scale = (gain if i == 0 else 1.0) / (gain if i == last else 1.0)
                params[f"{part}_w{i}"] = rng.normal(0, scale / np.sqrt(a), (a, b))
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
        _inputs(params, shapes["encoder"], "X", X, shape)
        return forward(params, "encoder", np.reshape(X, (X.shape[0], n)))

    def decode(params, Z):
        _inputs(params, shapes["decoder"], "Z", Z, (latent_dim,), finite=False, kind=np.inexact)
        return np.reshape(forward(params, "decoder", Z), (Z.shape[0],) + shape)

    return Model("mlp", shape, latent_dim, init, encode, decode)


def _inputs(params, shapes, name, X, shape, finite=True, kind=onp.floating):
    """The checks of encode/decode: params hold the model's keys with their shapes (extra keys,
    e.g. a loss's own parameters, are allowed here) and X is a float batch (B, *shape), finite
    for images (codes are not checked: a diverging fit reports its non-finite loss itself)."""
    _checks.param_shapes("params", params, shapes)
    _checks.images(name, X, shape, finite=finite, kind=kind)


@functools.lru_cache(maxsize=32)
def _cached_shapes(model):
    return {k: onp.shape(v) for k, v in model.init(onp.random.default_rng(0)).items()}


def _param_shapes(model):
    """{key: shape} of the parameters model.init draws (cached per model)."""
    try:
        return _cached_shapes(model)
    except TypeError:  # an unhashable field: draw again
        return {k: onp.shape(v) for k, v in model.init(onp.random.default_rng(0)).items()}


def check_params(model, params):
    """Raise a ValueError/TypeError unless params fit model exactly: the keys and shapes that
    model.init gives, float arrays, finite values. Returns params."""
    if not isinstance(model, (Model, VAE)):
        raise TypeError(f"model: expected a models.Model (e.g. models.linear(16, 16)) or VAE, got {type(model).__name__}")
    _checks.param_shapes("params", params, _param_shapes(model), exact=True)
    for k, v in params.items():
        _checks.finite_floats(f"params[{k!r}]", v)
    return params


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
