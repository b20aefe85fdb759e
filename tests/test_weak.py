"""Weak supervision: the loss without g, inference of g, and identifiability metrics."""
import math

import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import data, groups, identifiability, metrics, models, operators, train, weak

G16 = groups.cyclic(16)


def _batch(group, count, seed=0, symmetric=False):
    rng = np.random.default_rng(seed)
    X = data.periodic_signals(group.shape[0], count, rng)[0] if symmetric else \
        data.random_signals(group.shape[0], count, rng)
    return data.pairs(group, X, rng)


def _exact_model(group):
    """Linear autoencoder with encoder = decoder = identity on L = n = |G|: for a cyclic
    group acting by rolls, psi(g) z is exactly encode(g·x), so every score is exact."""
    model = models.linear(group.shape, group.order)
    return model, {"encoder": np.eye(group.order), "decoder": np.eye(group.order)}


@pytest.mark.parametrize("blend", ["codes", "errors"])
@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_weak_loss_gradient(kind, blend):
    model = models.linear((8,), 8) if kind == "linear" else models.mlp((8,), 8, hidden=(6,))
    op = operators.shift(groups.cyclic(8), 8)
    x1, g, x2 = _batch(groups.cyclic(8), 5)
    loss = weak.weak_loss(model, op, tau=0.7, consistency=0.5, anchors=(x1[:2], g[:2], x2[:2]),
                           blend=blend)
    params = model.init(np.random.default_rng(1))
    check_grads(lambda p: loss(p, (x1, x2)), modes=["rev"])(params)


def test_weak_loss_gradient_through_a_matrix_operator():
    group = groups.cyclic(8)
    model = models.linear((8,), 4)
    op = operators.disentangled(group, 4)  # not a permutation: the matrix path
    x1, _, x2 = _batch(group, 4)
    check_grads(lambda p: weak.weak_loss(model, op, tau=0.3)(p, (x1, x2)), modes=["rev"])(
        model.init(np.random.default_rng(0)))


@pytest.mark.parametrize("operator", [operators.shift, operators.disentangled])
def test_scores_match_one_candidate_at_a_time(operator):
    model = models.linear((16,), 32)
    op = operator(G16, 32)
    params = model.init(np.random.default_rng(2))
    x1, _, x2 = _batch(G16, 6)
    scores, candidates, z1 = weak.candidate_scores(model, params, op, x1, x2)
    z2 = model.encode(params, x2)
    for k in range(G16.order):
        moved = op(z1, np.full(len(x1), k))
        assert np.allclose(candidates[:, k], moved)
        assert np.allclose(scores[:, k], np.sum((moved - z2) ** 2, axis=1))


@pytest.mark.parametrize("blend", ["codes", "errors"])
def test_small_tau_is_supervised_training_on_the_best_candidate(blend):
    model = models.mlp((16,), 16, hidden=(8,))
    op = operators.shift(G16, 16)
    params = model.init(np.random.default_rng(3))
    x1, _, x2 = _batch(G16, 7)
    best = weak.infer(model, params, op, x1, x2)
    weakly = weak.weak_loss(model, op, tau=1e-9, consistency=0.3, blend=blend)(params, (x1, x2))
    supervised = train.supervised_loss(model, op, consistency=0.3)(params, (x1, best, x2))
    assert np.isclose(weakly, supervised, rtol=1e-10)


def test_errors_blend_is_the_weighted_error_of_each_candidate():
    model = models.mlp((16,), 16, hidden=(8,))
    op = operators.shift(G16, 16)
    params = model.init(np.random.default_rng(4))
    x1, _, x2 = _batch(G16, 5)
    tau = 2.0
    _, weights = weak.weak_predict(model, params, op, x1, x2, tau)
    z1 = model.encode(params, x1)
    errors = np.stack([np.sum((model.decode(params, op(z1, np.full(5, k))) - x2) ** 2, axis=1)
                       for k in range(16)], axis=1)
    expected = (np.sum(weights * errors) + np.sum((model.decode(params, z1) - x1) ** 2)) / 5
    assert np.isclose(weak.weak_loss(model, op, tau=tau, blend="errors")(params, (x1, x2)),
                      expected)


def test_an_equivariant_model_infers_g_exactly():
    model, params = _exact_model(G16)
    op = operators.shift(G16, 16)
    x1, g, x2 = _batch(G16, 40)
    assert np.array_equal(weak.infer(model, params, op, x1, x2), g)
    s1, _, s2 = _batch(G16, 30, symmetric=True)
    guess = weak.infer(model, params, op, s1, s2)
    assert identifiability.coset_accuracy(G16, s1, guess, s2) == 1.0
    # the loss is zero up to the weight left on wrong candidates: tiny at small tau
    assert weak.weak_loss(model, op, tau=1e-3)(params, (x1, x2)) < 1e-12


def test_strict_and_coset_accuracy_on_a_hand_built_case():
    x = np.tile([1.0, 2.0, 0.5, -1.0], 4)  # period 4: stabilizer {0, 4, 8, 12}
    y = np.arange(16.0)  # generic
    x1 = np.stack([x, x, x, y, y])
    g_true = np.array([1, 1, 1, 3, 3])
    x2 = G16.act(x1, g_true)
    guess = np.array([1, 5, 2, 3, 7])  # right, right coset, wrong, right, wrong
    assert identifiability.coset_correct(G16, x1, guess, x2).tolist() == [True, True, False, True,
                                                                          False]
    assert identifiability.coset_accuracy(G16, x1, guess, x2) == pytest.approx(3 / 5)
    assert identifiability.strict_accuracy(guess, g_true, 16) == pytest.approx(2 / 5)
    table = identifiability.accuracy_by_stabilizer(G16, x1, guess, g_true, x2)
    assert table == {1: (2, 0.5, 0.5), 4: (3, 1 / 3, 2 / 3)}


def test_automorphisms_of_cyclic_groups_are_the_units():
    for n in (8, 12, 16):
        group = groups.cyclic(n)
        maps = identifiability.automorphisms(group)
        units = [a for a in range(1, n) if math.gcd(a, n) == 1]
        assert sorted(maps[:, 1]) == units
        for sigma in maps:
            assert np.array_equal(sigma, (sigma[1] * np.arange(n)) % n)
        assert np.array_equal(maps[0], np.arange(n))
        assert [identifiability.generator_images(group, s)[0, 0] for s in maps] == list(maps[:, 1])


def test_automorphisms_of_translations():
    group = groups.translations((8, 8))
    maps = identifiability.automorphisms(group)
    assert len(maps) == 8 ** 4 * (1 - 1 / 2) * (1 - 1 / 4)  # |GL(2, Z_8)|
    a, b = np.meshgrid(np.arange(64), np.arange(64), indexing="ij")
    for sigma in maps[np.random.default_rng(0).choice(len(maps), 20)]:
        assert np.array_equal(sigma[group.table[a, b]], group.table[sigma[a], sigma[b]])
        assert len(set(sigma)) == 64
    # Aut(Z_2 x Z_4) x Aut(Z_3)
    assert len(identifiability.automorphisms(groups.translations((4, 6)))) == 16
    with pytest.raises(ValueError, match="cyclic factors"):
        identifiability.automorphisms(groups.dihedral(3))


def test_relabelling_undoes_an_automorphism():
    x1, g, x2 = _batch(G16, 50)
    labels = (3 * g) % 16  # a model that names g as 3g
    sigma, accuracy = identifiability.best_relabelling(G16, x1, labels, x2)
    assert sigma[1] == 3 and accuracy == 1.0
    assert np.array_equal(identifiability.relabel(sigma, labels), g)
    assert identifiability.anchored_relabelling(G16, labels[:3], g[:3])[1] == 3
    # symmetric signals alone cannot tell g -> g from g -> 9g (they agree mod 8): ties
    # go to the identity
    s1, sg, s2 = _batch(G16, 30, symmetric=True)
    sigma, accuracy = identifiability.best_relabelling(G16, s1, sg, s2)
    assert accuracy == 1.0 and sigma[1] == 1


@pytest.mark.parametrize("tau", [0, -1.0, np.nan, np.inf])
def test_bad_tau(tau):
    model = models.linear((16,), 16)
    with pytest.raises(ValueError, match="tau"):
        weak.weak_loss(model, operators.shift(G16, 16), tau=tau)


def test_bad_shapes():
    model = models.linear((16,), 16)
    op = operators.shift(G16, 16)
    params = model.init(np.random.default_rng(0))
    loss = weak.weak_loss(model, op).check  # what fit checks before the first step
    x1, g, x2 = _batch(G16, 4)
    with pytest.raises(ValueError, match="x2: expected 4 images"):
        loss(params, (x1, x2[:3]))
    with pytest.raises(ValueError, match=r"x2: expected shape \(B, 16\)"):
        loss(params, (x1, x2[:, :8]))
    with pytest.raises(ValueError, match="data: expected pairs"):
        loss(params, (x1, g, x2))
    with pytest.raises(ValueError, match="x1: expected shape"):
        weak.infer(model, params, op, x1[:, :15], x2)
    with pytest.raises(ValueError, match="op: expected"):
        weak.weak_loss(models.linear((16,), 32), op)
    with pytest.raises(ValueError, match="blend"):
        weak.weak_loss(model, op, blend="images")
    with pytest.raises(ValueError, match="tau"):
        weak.weak_predict(model, params, op, x1, x2, tau=np.nan)
    with pytest.raises(ValueError, match="anchors"):
        weak.weak_loss(model, op, anchors=(x1, x2))
    with pytest.raises(ValueError, match="anchors g"):
        weak.weak_loss(model, op, anchors=(x1, g + 16, x2))
    with pytest.raises(ValueError, match="g: expected 4"):
        identifiability.coset_accuracy(G16, x1, g[:3], x2)
    with pytest.raises(ValueError, match="anchors: expected a number"):
        weak.run_weak("linear", G16, (x1, g, x2), (x1, g, x2), anchors=5)


def test_run_weak_is_its_stages_in_turn():
    # the same run written out stage by stage, as chapter 08 does: identical parameters
    x1, g, x2 = _batch(G16, 96, seed=5)
    test = _batch(G16, 40, seed=6)
    run = weak.run_weak("linear", G16, (x1, g, x2), test, anchors=np.int64(8), steps=20, seed=3)
    rng = np.random.default_rng(3)
    pick = rng.choice(len(x1), 8, replace=False)
    anchors = (x1[pick], g[pick], x2[pick])
    model, op = models.linear((16,), 16), operators.shift(G16, 16)
    params = weak.warm_start("linear", model, op, model.init(rng), anchors, seed=3)
    params = weak.anneal(model, op, params, (x1, x2), weak.schedule(0.3), anchors, steps=20, seed=3)
    labelled = weak.self_label(model, params, op, (x1, x2), (pick, g[pick]))
    assert np.array_equal(labelled[1][pick], g[pick])
    params = weak.last_stage("linear", G16, model, op, params, labelled, rng, seed=3)
    for key in params:
        assert np.array_equal(params[key], run.params[key])
    scored = weak.score(G16, model, params, op, test, anchors)
    assert scored.coset == run.coset and np.array_equal(scored.g_pred, run.g_pred)


def test_the_schedule_is_the_documented_one():
    assert weak.schedule(0.3) == [0.3]
    assert np.allclose(weak.schedule(0.3, anchored=False), [9, 3, 0.9, 0.3, 0.1, 0.03])


@pytest.mark.parametrize("operator", [operators.shift, operators.stacked_shift, operators.identity,
                                      operators.disentangled])
def test_the_gather_is_taken_exactly_for_the_permutation_operators(operator):
    group = groups.translations((2, 3))
    op = operator(group, 2 * group.order)
    Z = np.random.default_rng(0).normal(size=(3, op.latent_dim))
    matrices = np.stack([op.matrix(k) for k in range(group.order)])  # independent: the matrices
    expected = np.einsum("kml,bl->bkm", matrices, Z)
    np.testing.assert_allclose(weak.candidates_of(op)(Z), expected, atol=1e-12)
    is_permutation = bool(np.all((matrices == 0) | (matrices == 1)))
    assert is_permutation == (operator is not operators.disentangled)
    assert (weak.candidates_of(op).__code__.co_names[0] == "gather_candidates") == is_permutation


def test_sizes_are_bounded_before_anything_is_allocated():
    big = groups.cyclic(1024)
    pairs = (np.zeros((4, 1024)), np.zeros(4, dtype=int), np.zeros((4, 1024)))
    with pytest.raises(ValueError, match=r"batch_size: expected at most 8 pairs .* = 512.0 MiB"):
        weak.run_weak("linear", big, pairs, pairs, anchors=0)
    with pytest.raises(ValueError, match=r"1024 x 1024 x 1024 floats = 8,192.0 MiB"):
        weak.weak_loss(models.linear((1024,), 1024), operators.disentangled(big, 1024))
    x1, g, x2 = _batch(G16, 8)
    with pytest.raises(ValueError, match="steps: expected at most 1,000,000 steps"):
        weak.run_weak("linear", G16, (x1, g, x2), (x1, g, x2), anchors=2, steps=10 ** 9)
    with pytest.raises(TypeError, match="taus"):
        weak.run_weak("linear", G16, (x1, g, x2), (x1, g, x2), anchors=2, taus=[])
    with pytest.raises(ValueError, match="kind"):
        weak.run_weak("vae", G16, (x1, g, x2), (x1, g, x2))


def test_infer_in_pieces_equals_infer_at_once(monkeypatch):
    model, op = models.linear((16,), 16), operators.shift(G16, 16)
    params = model.init(np.random.default_rng(7))
    x1, _, x2 = _batch(G16, 50)
    whole = weak.infer(model, params, op, x1, x2)
    monkeypatch.setattr(weak, "MAX_BYTES", weak.candidate_bytes(op, 7))  # pieces of 7 pairs
    assert np.array_equal(weak.infer(model, params, op, x1, x2), whole)
    scores = weak.candidate_scores(model, params, op, x1, x2)[0]  # independent: all at once
    assert np.array_equal(whole, np.argmin(scores, axis=1))
