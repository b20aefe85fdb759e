"""sequences and sequence_reading: the per-sequence M* against numpy.linalg.lstsq, its gradient,
the disentangled angle against a brute-force scan, the frames, whitening, the reading of an
exactly equivariant code, and bad input."""
import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import data, groups, representations, sequence_reading, sequences, train


def small_task(seed=0, frames=5):
    rng = np.random.default_rng(seed)
    G, generic, symmetric = sequences.task("signals", 16, rng)
    S, g = data.sequences(G, np.concatenate([generic, symmetric]), rng, frames)
    return G, S, g, rng


def test_frames_are_powers_of_g():
    G, S, g, _ = small_task()
    for b in range(len(S)):
        for t in range(S.shape[1]):
            np.testing.assert_array_equal(S[b, t], np.roll(S[b, 0], t * g[b]))


def test_transition_is_least_squares_without_ridge():
    H = np.random.default_rng(1).normal(size=(3, 5, 6, 3))  # 4 transitions x 3 columns > 6 rows
    M = sequences.transition(H, ridge=0.0)
    for b in range(3):
        P = np.concatenate(list(H[b, :-1]), axis=1)
        Q = np.concatenate(list(H[b, 1:]), axis=1)
        np.testing.assert_allclose(M[b], np.linalg.lstsq(P.T, Q.T, rcond=None)[0].T, atol=1e-10)


def test_ridge_shrinks_towards_zero():
    H = np.random.default_rng(2).normal(size=(1, 4, 4, 4))
    norms = [np.linalg.norm(sequences.transition(H, r)) for r in (0.0, 1e-2, 1.0)]
    assert norms[0] > norms[1] > norms[2]


@pytest.mark.parametrize("form", ["free", "disentangled", "learned"])
def test_gradient_of_the_loss(form):
    G, S, _, rng = small_task(frames=4)
    seq = sequences.model("linear", G.shape, 8, 2)
    step = None
    params = seq.autoencoder.init(rng)
    if form == "learned":
        init, step = sequences.transition_mlp(seq, hidden=5)
        params.update(init(rng))
    objective = sequences.loss(seq, conditioning=3, form=form, step=step)
    keys = sorted(params)
    def value(*values):
        return objective(dict(zip(keys, values)), (S[:6],))
    check_grads(value, modes=["rev"], order=1)(*[params[k] for k in keys])


def test_plane_angle_is_the_best_of_a_scan():
    H = np.random.default_rng(3).normal(size=(4, 3, 6, 2))
    cos, sin = sequences.plane_angles(H, planes=2)
    angles = np.linspace(-np.pi, np.pi, 20001)
    for b in range(4):
        for i in range(2):
            u, w = H[b, :-1, 2 * i:2 * i + 2], H[b, 1:, 2 * i:2 * i + 2]
            c, s_ = np.cos(angles), np.sin(angles)
            rotations = np.array([[c, -s_], [s_, c]])
            loss = [np.sum((w - R @ u) ** 2) for R in np.moveaxis(rotations, 2, 0)]
            best = angles[int(np.argmin(loss))]
            assert abs(np.angle(np.exp(1j * (np.arctan2(sin[b, i], cos[b, i]) - best)))) < 1e-3
    M = sequences.disentangled_transition(H, planes=2)
    np.testing.assert_allclose(M[:, 4:, 4:], np.broadcast_to(np.eye(2), (4, 2, 2)))
    np.testing.assert_allclose(M[:, :2, :2] @ np.transpose(M[:, :2, :2], (0, 2, 1)),
                               np.broadcast_to(np.eye(2), (4, 2, 2)), atol=1e-9)


def test_fold_undoes_the_whitening():
    G, S, _, rng = small_task()
    for kind, options in (("linear", {}), ("mlp", dict(hidden=(7,)))):
        seq = sequences.model(kind, G.shape, 8, 2, **options)
        params = seq.autoencoder.init(rng)
        W, W_inverse = sequences.whitening(S)
        white = sequences.whiten(S, W)
        folded = sequences.fold(seq, params, W, W_inverse)
        np.testing.assert_allclose(sequences.codes(seq, folded, S),
                                   sequences.codes(seq, params, white),
                                   atol=1e-9)
        H = sequences.codes(seq, params, white)
        np.testing.assert_allclose(sequences.decode(seq, folded, H),
                                   sequences.whiten(sequences.decode(seq, params, H), W_inverse),
                                   atol=1e-9)


def test_reading_an_exactly_equivariant_code():
    G, _, _, rng = small_task()
    seq = sequences.model("linear", G.shape, 8, 4)
    params = sequence_reading.equivariant_params(seq, G, rng)
    S, g = data.sequences(G, sequences.task("signals", 16, rng)[1], rng, 5,
                                  elements=np.repeat(np.arange(8), 2), each=True)
    maps = sequence_reading.family(seq, params, S, g, G, ridge=1e-12)
    rho = representations.pixel_matrices(G)
    np.testing.assert_allclose(maps, rho, atol=1e-6)
    assert sequence_reading.homomorphism_error(G, maps) < 1e-10
    frequency, strength, residual = sequence_reading.blocks(G, maps)
    assert sorted(frequency.tolist()) == list(range(8))
    assert strength.min() > 1 - 1e-6 and residual < 1e-10


def test_training_lowers_the_loss():
    G, S, _, _ = small_task()
    seq = sequences.model("linear", G.shape, 8, 4, scale=32 ** -0.5)
    params, history, _ = sequences.fit(seq, S, conditioning=3, steps=60)
    assert history[-10:].mean() < 0.5 * history[:10].mean()


def test_bad_input():
    G, S, g, rng = small_task()
    seq = sequences.model("linear", G.shape, 8, 2)
    with pytest.raises(ValueError, match="X: expected shape"):
        data.sequences(G, np.zeros((3, 9)), rng, 4)
    with pytest.raises(ValueError, match="frames: expected at least 2"):
        data.sequences(G, S[:, 0], rng, 1)
    with pytest.raises(ValueError, match="conditioning: expected"):
        sequences.loss(seq, conditioning=1)
    with pytest.raises(ValueError, match="form: expected"):
        sequences.loss(seq, form="rotation")
    with pytest.raises(ValueError, match="planes: expected at most"):
        sequences.loss(seq, form="disentangled", planes=5)
    with pytest.raises(TypeError, match="step: expected"):
        sequences.loss(seq, form="learned")
    objective = sequences.loss(seq, conditioning=4)
    with pytest.raises(ValueError, match="at least 5 frames"):
        train.fit(objective, seq.autoencoder.init(rng), (S[:, :4],), steps=1)
    with pytest.raises(ValueError, match="expected sequences"):
        train.fit(objective, seq.autoencoder.init(rng), (S[:, 0],), steps=1)
    bad = S.copy()
    bad[0, 1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sequences.whitening(bad)
    with pytest.raises(ValueError, match="every element"):
        sequence_reading.family(seq, seq.autoencoder.init(rng), S[:2], g[:2], G)
    with pytest.raises(ValueError, match="count: expected at most"):
        sequences.task("signals", 10 ** 9, rng)
    with pytest.raises(ValueError, match="S: expected sequences"):
        sequences.whitening([[1.0, 2.0]])
    with pytest.raises(ValueError, match="elements: expected one element per sequence"):
        data.sequences(G, S[:, 0], rng, 3, elements=[0, 1], each=True)
    with pytest.raises(ValueError, match="name: expected one of"):
        sequences.task("sphere", 4, rng)
    with pytest.raises(ValueError, match="maps: expected shape"):
        sequence_reading.blocks(G, np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="kind: expected"):
        sequences.model("cnn", G.shape, 8, 2)

