"""Autoencoders as pure functions of a plain dict of float arrays.

A Model bundles   init(rng) -> params,  encode(params, X) -> Z,  decode(params, Z) -> X
with X (B, *shape) images and Z (B, latent_dim) codes; `shapes` is {key: shape} of params.
"""
from collections import namedtuple

import autograd.numpy as np

from . import _checks

Model = namedtuple("Model", "name shape latent_dim shapes init encode decode")


def linear(shape, latent_dim, scale=None):
    """z = x W_enc, x̂ = z W_dec (no biases): params {"encoder": (n, L), "decoder": (L, n)}."""
    shape, n = _checks.image_shape("shape", shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    if scale is not None:
        _checks.positive("scale", scale)
    shapes = {"encoder": (n, latent_dim), "decoder": (latent_dim, n)}

    def init(rng):
        _checks.generator("rng", rng)
        s = 1 / np.sqrt(n) if scale is None else scale
        return {key: rng.normal(0, s, size) for key, size in shapes.items()}

    def encode(params, X):
        return np.reshape(X, (X.shape[0], n)) @ params["encoder"]

    def decode(params, Z):
        return np.reshape(Z @ params["decoder"], (Z.shape[0],) + shape)

    return Model("linear", shape, latent_dim, shapes, init, encode, decode)


def mlp(shape, latent_dim, hidden=(128,), gain=1.0):
    """Encoder x -> tanh layers of sizes `hidden` -> z; decoder z -> the same in reverse -> x̂.
    params "encoder_w{i}", "encoder_b{i}", "decoder_w{i}", "decoder_b{i}" for each layer i.
    Weights start ~ N(0, 1/fan_in), times `gain` in the first layer and 1/gain in the last
    of each part: a small gain starts the tanh units in their near-linear regime while
    keeping the initial map's overall scale."""
    shape, n = _checks.image_shape("shape", shape)
    _checks.positive("latent_dim", latent_dim, integer=True)
    hidden = _checks.widths("hidden", hidden)
    _checks.positive("gain", gain)
    widths = {"encoder": (n,) + hidden + (latent_dim,),
              "decoder": (latent_dim,) + hidden[::-1] + (n,)}
    shapes = {}
    for part, sizes in widths.items():
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            shapes[f"{part}_w{i}"], shapes[f"{part}_b{i}"] = (a, b), (b,)

    def init(rng):
        _checks.generator("rng", rng)
        params = {}
        for part, sizes in widths.items():
            last = len(sizes) - 2
            for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
                scale = (gain if i == 0 else 1.0) / (gain if i == last else 1.0)
                params[f"{part}_w{i}"] = rng.normal(0, scale / np.sqrt(a), (a, b))
                params[f"{part}_b{i}"] = np.zeros(b)
        return params

    def forward(params, part, H):
        layers = len(widths[part]) - 1
        for i in range(layers):
            H = H @ params[f"{part}_w{i}"] + params[f"{part}_b{i}"]
            if i < layers - 1:
                H = np.tanh(H)
        return H

    def encode(params, X):
        return forward(params, "encoder", np.reshape(X, (X.shape[0], n)))

    def decode(params, Z):
        return np.reshape(forward(params, "decoder", Z), (Z.shape[0],) + shape)

    return Model("mlp", shape, latent_dim, shapes, init, encode, decode)


def check_params(model, params, exact=True):
    """params fit model: its keys (no others if `exact`) with model.shapes, finite float
    arrays. Raises ValueError/TypeError naming the key; returns params."""
    _checks.model("model", model)
    _checks.param_shapes("params", params, model.shapes, exact=exact)
    for k in model.shapes:
        _checks.finite_floats(f"params[{k!r}]", params[k])
    return params
