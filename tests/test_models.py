"""Models: shapes, seeded init, and the linear model against its matrix form."""
import numpy as np
import pytest

from minidisent import models


@pytest.mark.parametrize("make",
                         [lambda: models.linear((3, 4), 6), lambda: models.mlp((3, 4), 6, (5, 7))])
def test_shapes_and_seeded_init(make):
    model = make()
    p1, p2 = model.init(np.random.default_rng(0)), model.init(np.random.default_rng(0))
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)
    assert all(v.dtype == np.float64 for v in p1.values())
    X = np.random.default_rng(1).normal(size=(10, 3, 4))
    Z = model.encode(p1, X)
    assert Z.shape == (10, 6) and model.decode(p1, Z).shape == (10, 3, 4)


def test_linear_is_two_matrix_products():
    model = models.linear(5, 3)
    p = model.init(np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(4, 5))
    assert np.allclose(model.decode(p, model.encode(p, X)), X @ p["encoder"] @ p["decoder"],
                       rtol=1e-14)


def test_mlp_layers():
    model = models.mlp(4, 2, (3,))
    p = model.init(np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {
        "encoder_w0": (4, 3), "encoder_b0": (3,), "encoder_w1": (3, 2), "encoder_b1": (2,),
        "decoder_w0": (2, 3), "decoder_b0": (3,), "decoder_w1": (3, 4), "decoder_b1": (4,)}
    x = np.random.default_rng(1).normal(size=(1, 4))
    z = np.tanh(x @ p["encoder_w0"] + p["encoder_b0"]) @ p["encoder_w1"] + p["encoder_b1"]
    assert np.allclose(model.encode(p, x), z, rtol=1e-14)


@pytest.mark.parametrize("call, error, words", [
    (lambda: models.linear(0, 3), ValueError, "shape[0]"),
    (lambda: models.linear(4, 2.0), TypeError, "latent_dim"),
    (lambda: models.mlp(4, 2, (0,)), ValueError, "hidden[0]"),
    (lambda: models.linear(4, 2).init(42), TypeError, "rng"),
])
def test_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
