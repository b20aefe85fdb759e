"""VAE and β-VAE (vae.model, vae.loss), the post-hoc tests of posthoc.py, the
symmetric 2D images of experiments.py and the traversal figure."""
import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import data, groups, models, operators, posthoc, results, vae, plots


def small_vae(hidden=(5,)):
    rng = np.random.default_rng(1)
    model = vae.model((6,), 3, hidden)
    return model, model.init(rng), (rng.normal(size=(4, 6)),)


def test_vae_encode_is_the_posterior_mean_and_shapes():
    for hidden in [(5,), ()]:
        model, params, (X,) = small_vae(hidden)
        mean, log_variance = model.posterior(params, X)
        assert mean.shape == log_variance.shape == (4, 3)
        np.testing.assert_array_equal(model.encode(params, X), mean)
        assert model.decode(params, mean).shape == (4, 6)


@pytest.mark.parametrize("beta, capacity", [(1.0, None), (4.0, None), (0.0, None), (2.0, 1.5)])
def test_vae_loss_gradients(beta, capacity):
    model, params, batch = small_vae()
    objective = vae.loss(model, beta=beta, noise_std=0.5, capacity=capacity)
    # the same noise at every call, so the objective is a fixed function of params
    check_grads(lambda p: objective(p, batch, np.random.default_rng(3)), modes=["rev"],
                order=1)(params)


def test_vae_loss_is_reconstruction_plus_beta_kl():
    """Recompute the loss by hand from the same noise ε."""
    model, params, batch = small_vae()
    X = batch[0]
    eps = np.random.default_rng(3).normal(size=(4, 3))
    mean, log_variance = model.posterior(params, X)
    decoded = model.decode(params, mean + np.sqrt(np.exp(log_variance)) * eps)
    squared = np.mean(np.sum((decoded - X) ** 2, axis=1)) / (2 * 0.5 ** 2)
    kl = np.mean(vae.gaussian_kl(mean, log_variance))
    for beta, capacity, prior in [(1.0, None, kl), (4.0, None, 4 * kl),
                                  (2.0, 100.0, 2 * (100 - kl))]:
        loss = vae.loss(model, beta, 0.5, capacity)(params, batch, np.random.default_rng(3))
        assert np.isclose(loss, squared + prior, rtol=1e-12)


def test_kl_matches_numerical_integration():
    """KL(q‖p) = ∫ q log(q/p), per dimension (the Gaussians factorise), by the trapezoid rule."""
    rng = np.random.default_rng(0)
    mean, log_variance = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    z = np.linspace(-30, 30, 200001)
    expected = np.zeros(3)
    for b in range(3):
        for j in range(4):
            m, v = mean[b, j], np.exp(log_variance[b, j])
            log_q = -0.5 * (z - m) ** 2 / v - 0.5 * np.log(2 * np.pi * v)
            log_p = -0.5 * z ** 2 - 0.5 * np.log(2 * np.pi)
            expected[b] += np.trapezoid(np.exp(log_q) * (log_q - log_p), z)
    np.testing.assert_allclose(vae.gaussian_kl(mean, log_variance), expected, rtol=1e-8)


def test_kl_matches_monte_carlo():
    rng = np.random.default_rng(1)
    mean, log_variance = rng.normal(size=(1, 3)), rng.normal(size=(1, 3)) * 0.5
    std = np.exp(0.5 * log_variance)
    z = mean + std * rng.normal(size=(200000, 3))
    log_ratio = np.sum(-0.5 * ((z - mean) / std) ** 2 - np.log(std) + 0.5 * z ** 2, axis=1)
    kl = vae.gaussian_kl(mean, log_variance)[0]
    assert abs(log_ratio.mean() - kl) < 4 * log_ratio.std() / np.sqrt(len(z))


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(beta=-1.0), ValueError, "beta"), (dict(beta=np.inf), ValueError, "beta"),
    (dict(beta=np.nan), ValueError, "beta"), (dict(beta="1"), TypeError, "beta"),
    (dict(capacity=-0.5), ValueError, "capacity"), (dict(capacity=np.inf), ValueError, "capacity"),
    (dict(noise_std=0.0), ValueError, "noise_std")])
def test_vae_loss_validates(kwargs, error, word):
    model, _, _ = small_vae()
    with pytest.raises(error, match=word):
        vae.loss(model, **kwargs)


def test_vae_loss_needs_a_vae_and_a_generator():
    with pytest.raises(TypeError, match="model"):
        vae.loss(models.mlp((6,), 3))
    model, params, batch = small_vae()
    with pytest.raises(TypeError, match="rng"):
        vae.loss(model)(params, batch, None)


def test_fit_vae_learns_and_capacity_variant_runs():
    group = groups.cyclic(8)
    X = np.random.default_rng(0).normal(size=(128, 8))
    model, params, history = vae.fit_vae(group, X, 8, steps=150, batch_size=128)
    assert history[-10:].mean() < 0.5 * history[:10].mean()
    _, _, history_c = vae.fit_vae(group, X, 8, beta=2.0, capacity=5.0, steps=50)
    assert history_c.shape == (50,) and np.all(np.isfinite(history_c))
    with pytest.raises(ValueError, match="capacity"):
        vae.fit_vae(group, X, 8, capacity=-1.0, steps=10)


def test_linear_fit_recovers_planted_maps_and_homomorphism_error():
    group = groups.cyclic(5)
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(5, 4, 4))
    z1, g = rng.normal(size=(100, 4)), np.tile(np.arange(5), 20)
    z2 = np.einsum("bij,bj->bi", maps[g], z1)
    np.testing.assert_allclose(posthoc.linear_fit(group, z1, g, z2).maps, maps, atol=1e-10)
    # a true representation (the shift operator's matrices) against unrelated maps
    shift = operators.shift(group, 10)
    representation = np.stack([shift.matrix(e) for e in range(5)])
    assert posthoc.homomorphism_error(group, representation) < 1e-28
    assert posthoc.homomorphism_error(group, maps) > 0.5
    with pytest.raises(ValueError, match="g"):
        posthoc.linear_fit(group, z1[:3], g[:3], z2[:3])  # no pairs for elements 3, 4
    with pytest.raises(ValueError, match="maps"):
        posthoc.homomorphism_error(group, maps[:3])
    with pytest.raises(ValueError, match="z2"):
        posthoc.linear_fit(group, z1, g, z2[:, :3])


def test_composed_maps_equal_a_representation():
    for group in [groups.cyclic(6), groups.translations((2, 3)), groups.translations_rotations(3)]:
        shift = operators.shift(group, group.order)
        representation = np.stack([shift.matrix(e) for e in range(group.order)])
        np.testing.assert_allclose(posthoc.composed(group, representation), representation)


def test_plane_fit_finds_a_planted_rotation_plane():
    """Codes turned by 2π·3m/8 in a random plane of R^5: the fit recovers frequency 3 and
    predicts z2 exactly; its maps form a representation."""
    group = groups.cyclic(8)
    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.normal(size=(5, 2)))
    z1, g = rng.normal(size=(400, 5)), np.tile(np.arange(8), 50)
    angle = 2 * np.pi * 3 * g / 8
    p = z1 @ U
    rotated = np.stack([np.cos(angle) * p[:, 0] - np.sin(angle) * p[:, 1],
                        np.sin(angle) * p[:, 0] + np.cos(angle) * p[:, 1]], axis=1)
    z2 = z1 + (rotated - p) @ U.T
    op = posthoc.plane_fit(group, z1, g, z2, steps=200)
    assert op.frequencies == (3,)
    assert np.sum((op(z1, g) - z2) ** 2) / np.sum(z2 ** 2) < 1e-8
    assert posthoc.homomorphism_error(group, op.maps) < 1e-20
    with pytest.raises(ValueError, match="group"):
        p4 = groups.translations_rotations(3)
        posthoc.plane_fit(p4, z1[:64], np.arange(64), z2[:64])


def test_posthoc_of_an_exactly_equivariant_code():
    """The identity code z = x (a linear model with identity weights) carries the action
    exactly: the per-element maps are the permutation matrices, prediction and
    homomorphism errors vanish, and the composed maps agree."""
    group, train_pairs, test_pairs = data.signals_1d(8, count=64, seed=0)
    model = models.linear((8,), 8)
    params = {"encoder": np.eye(8), "decoder": np.eye(8)}
    out = posthoc.posthoc(model, params, group, train_pairs, test_pairs)
    assert out["reconstruction"] < 1e-28
    assert out["linear"]["prediction"]["all"] < 1e-20
    assert out["linear"]["homomorphism"] < 1e-20
    assert out["linear"]["composed"]["all"] < 1e-20
    # a single rotation plane cannot carry all 4 frequencies of Z_8: it misses most of x2
    assert out["plane"]["prediction"]["all"] > 0.1
    assert out["plane"]["homomorphism"] < 1e-20


def test_symmetric_images_have_a_nontrivial_stabilizer():
    rng = np.random.default_rng(0)
    for group in [groups.translations((6, 6)), groups.rotations(5),
                  groups.translations_rotations(4)]:
        X = rng.normal(size=(20,) + group.shape)
        S = data.symmetric_images(group, X, rng)
        assert np.all(group.stabilizer_sizes(S) > 1)
        assert np.all(group.stabilizer_sizes(X) == 1)
    with pytest.raises(ValueError, match="elements"):
        data.symmetric_images(groups.rotations(5), rng.normal(size=(2, 5, 5)), rng, elements=[0])


def test_results_rejects_unknown_data_sets():
    with pytest.raises(ValueError, match="datasets"):
        results.results(("3D",))


def test_traversal_figure_and_active_dims():
    model, params, (X,) = small_vae()
    dims = vae.active_dims(model, params, X, count=2)
    assert len(set(dims)) == 2
    fig = plots.traversal(model, params, X[0], dims, steps=3)
    assert len(fig.axes) == 2
    model2 = vae.model((3, 3), 2, ())
    fig2 = plots.traversal(model2, model2.init(np.random.default_rng(0)), np.zeros((3, 3)), [0, 1],
                           steps=4)
    assert len(fig2.axes) == 8
    with pytest.raises(ValueError, match="dims"):
        plots.traversal(model, params, X[0], [7])
    with pytest.raises(ValueError, match="x"):
        plots.traversal(model, params, X[:2], [0])
