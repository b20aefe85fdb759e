"""minidisent.animations: self-contained HTML players, one PNG per frame, nothing online."""
import base64
import re
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation

from minidisent import (_player, angle_operators, animations, data, defect, groups, models,
                        operators, recipes, sequence_reading, sequences, so2)

_FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)*)"')


def frames(page):
    """The PNG bytes of each frame of a to_jshtml player, in order."""
    found = _FRAME.findall(page)
    assert [int(i) for i, _ in found] == list(range(len(found)))
    return [base64.b64decode(b.replace("\\\n", "")) for _, b in found]


def offline(page):
    assert not re.search(r"https?://|//cdn|font-awesome", page), "the player loads something online"
    shown = re.findall(r'<img id="_anim_img[0-9a-f]{32}" src="data:image/png;base64,([^"]*)"', page)
    assert len(shown) == 1 and base64.b64decode(shown[0]) == frames(page)[0]  # drawn without script
    assert "\u25b6" in page and '<i class="fa' not in page  # glyphs on the buttons, no icon font
    assert len(page) < 350_000, f"{len(page)} bytes: expected a few hundred KB at most"


@pytest.fixture(scope="module")
def trained():
    """Two cheap linear models on chapter 3's data (each of the two operators), its probe curves."""
    G, train_pairs, X = defect.defect_data(n=16, count=64, seed=0)
    test_pairs = data.orbit_pairs(G, X[:8])
    runs = {f"linear + {name}": recipes.run("linear", name, G, train_pairs, test_pairs, steps=100)
            for name in ("disentangled", "shift")}
    return G, X, runs, defect.probe_curves(runs, X)


def test_block_permutation_one_frame_per_element_each_different():
    op = operators.shift(groups.cyclic(8), 16)
    page = animations.block_permutation(op)
    offline(page)
    shown = frames(page)
    assert len(shown) == 8 and len(set(shown)) == 8  # psi(g) differs for every g
    assert all(png.startswith(b"\x89PNG") for png in shown)
    assert len(frames(animations.block_permutation(op, elements=[0, 3]))) == 2
    nc = groups.translations_rotations(3)  # a non-commutative group: blocks through the table
    page = animations.block_permutation(operators.shift(nc, nc.order), range(4))
    assert len(set(frames(page))) == 4
    assert not plt.get_fignums()  # every figure closed


def test_orbit_codes_and_probe_path(trained):
    G, X, runs, curves = trained
    x = X[G.stabilizer_sizes(X) == 2][0]  # period 8: eight distinct images
    page = animations.orbit_codes(runs, x, curves["typical"], elements=range(8))
    offline(page)
    assert len(set(frames(page))) == 8
    page = animations.probe_path(runs, curves["x_sym"], curves["h"], curves["v"], curves["typical"])
    offline(page)
    assert len(set(frames(page))) == 9
    assert not plt.get_fignums()


def test_the_shift_code_moves_and_the_disentangled_one_stays():
    """What orbit_codes draws, computed independently: on a signal fixed by h, an encoder
    equivariant under the disentangled operator must give every g·x one code (0 in the plane),
    one equivariant under the shift operator gives |G|/|H| different codes."""
    G = groups.cyclic(8)
    x = np.tile([1.0, -1.0], 4)                                     # period 2, H = {0, 2, 4, 6}
    shift = SimpleNamespace(model=SimpleNamespace(encode=lambda p, X: np.asarray(X)), params=None,
                            op=operators.shift(G, 8))               # encode = identity: equivariant
    orbit = G.orbit(x)
    assert np.array_equal(shift.op(orbit[:1].repeat(8, 0), np.arange(8)), orbit)
    assert len({tuple(z[:2]) for z in orbit}) == 2
    page = animations.orbit_codes({"shift": shift}, x, {"shift": 1.0})
    assert len(frames(page)) == 8 and len(set(frames(page))) == 8  # the title and the dot move


def test_bad_input(trained):
    G, X, runs, curves = trained
    x = curves["x_sym"]
    with pytest.raises(TypeError, match="animation"):
        _player.offline_html("<div></div>")
    with pytest.raises(TypeError, match="runs"):
        animations.orbit_codes([], x, curves["typical"])
    with pytest.raises(TypeError, match="runs"):
        animations.orbit_codes({"a": 1}, x, curves["typical"])
    with pytest.raises(ValueError, match="x: expected one 1D signal of shape"):
        animations.orbit_codes(runs, x[:5], curves["typical"])
    with pytest.raises(ValueError, match="elements"):
        animations.orbit_codes(runs, x, curves["typical"], elements=[0, 16])
    with pytest.raises(ValueError, match="eps"):
        animations.probe_path(runs, x, curves["h"], curves["v"], curves["typical"], eps=[0.1, -1.0])
    with pytest.raises(ValueError, match="op: expected operators.shift"):
        animations.block_permutation(operators.disentangled(G, 16))
    with pytest.raises(TypeError, match="op"):
        animations.block_permutation(np.eye(4))
    fig = plt.figure()
    player = FuncAnimation(fig, lambda i: [], frames=2)
    assert "http" not in _player.offline_html(player)
    plt.close(fig)


def last_figure(monkeypatch):
    """The figures the animations close, kept: each holds the state of its last frame."""
    kept = []
    monkeypatch.setattr(animations.plt, "close", kept.append)
    return kept


@pytest.fixture(scope="module")
def exact_sequences():
    """Chapter 12's linear sequence model with an exactly equivariant code (H(h·x) = ρ(h) H(x))
    on Z_8 signals, and held-out sequences of 10 frames, one element per sequence."""
    rng = np.random.default_rng(0)
    G, generic, _ = sequences.task("signals", 16, rng)
    seq = sequences.model("linear", G.shape, G.n_pixels, 4)
    params = sequence_reading.equivariant_params(seq, G, rng)
    test = data.sequences(G, generic, rng, 10, elements=np.repeat(np.arange(8), 2), each=True)
    return G, dict(group=G, seq=seq, params=params, step=None, form="free", test=test)


def test_sequence_rollout_codes_turn_on_the_circle(exact_sequences, monkeypatch):
    """An exact code and no ridge (1e-12): M* = ρ(g), so M*^k H_3 is H_{3+k}; in an eigenplane
    of ρ(1) a code turns by 45° a step (the eigenvalues of a shift by 1 are e^(2πif/8)), and the
    prediction decodes to the true frame."""
    G, run = exact_sequences
    kept = last_figure(monkeypatch)
    page = animations.sequence_rollout(run, element=1, ridge=1e-12)
    offline(page)
    assert len(set(frames(page))) == 10
    (fig,) = kept
    left, right = fig.axes
    truth, rolled = (np.array(line.get_data()).T for line in right.lines[-2:])  # (10, 2), (6, 2)
    assert truth.shape == (10, 2) and rolled.shape == (6, 2)
    assert np.allclose(rolled, truth[4:], atol=1e-6 * np.abs(truth).max())
    turn = np.angle((truth[1:, 0] + 1j * truth[1:, 1]) / (truth[:-1, 0] + 1j * truth[:-1, 1]))
    assert np.allclose(turn, np.pi / 4, atol=1e-6)
    S, g = run["test"]
    x9 = S[np.flatnonzero(g == 1)[0], 9]
    assert np.allclose(x9, np.roll(S[np.flatnonzero(g == 1)[0], 0], 9))
    assert np.allclose(left.lines[0].get_ydata(), x9) and np.allclose(left.lines[1].get_ydata(), x9)
    plt.close(fig)


def test_angle_sweep_band_limited_turns_and_disentangled_collapses(monkeypatch):
    """Exact codes, independently of any training: so2.closed_form for the band-limited operator
    (its frequency-k plane turns by R(kα)) and, for the disentangled one, the same closed form
    cut to frequency 1 (a 2-fold pattern has no frequency 1: its f_E is 0 at every angle)."""
    rng = np.random.default_rng(0)
    two_fold, generic = so2.patterns(1, 2, 17, 2, rng)[0], so2.patterns(1, 2, 17, 1, rng)[0]
    train = so2.patterns(64, 2, 17, 1, rng)
    m = np.full(9, 2)
    band = angle_operators.band_limited(m)
    plane = angle_operators.disentangled(2)
    runs = {"band_limited": (models.linear((2, 17), band.latent_dim), so2.closed_form(train, m),
                             band),
            "disentangled": (models.linear((2, 17), 2),
                             so2.closed_form(train, np.array([0, 1])), plane)}
    kept = last_figure(monkeypatch)
    page = animations.angle_sweep(runs, two_fold, generic, frames=8)
    offline(page)
    assert len(set(frames(page))) == 8
    (fig,) = kept
    band_trail = np.array(fig.axes[1].lines[-1].get_data()).T             # (8, 2)
    generic_trail, folded = (np.array(line.get_data()).T for line in fig.axes[2].lines[-2:])
    assert np.abs(folded).max() < 1e-12 * np.abs(generic_trail).max()      # f_E = 0, every α
    for trail, k in ((band_trail, 2), (generic_trail, 1)):
        z = trail[:, 0] + 1j * trail[:, 1]
        assert np.allclose(z[1:] / z[:-1], np.exp(1j * k * 2 * np.pi / 8))  # R(kα) by α = 45°
    assert np.allclose(fig.axes[0].images[0].get_array(), so2.turn(two_fold[None], np.array([
        7 * 2 * np.pi / 8]))[0])
    plt.close(fig)


def test_sequence_rollout_and_angle_sweep_bad_input(exact_sequences):
    G, run = exact_sequences
    with pytest.raises(TypeError, match="run: expected a run dict"):
        animations.sequence_rollout({"seq": 1})
    with pytest.raises(ValueError, match="learned_run: expected form 'learned'"):
        animations.sequence_rollout(run, learned_run=run)
    with pytest.raises(ValueError, match="element"):
        animations.sequence_rollout(run, element=9)
    with pytest.raises(ValueError, match="conditioning"):
        animations.sequence_rollout(run, conditioning=1)
    rng = np.random.default_rng(0)
    two_fold, generic = so2.patterns(1, 2, 17, 2, rng)[0], so2.patterns(1, 2, 17, 1, rng)[0]
    band = angle_operators.band_limited(np.array([2, 2]))
    runs = {"band_limited": (models.linear((2, 17), 6), None, band), "disentangled": None}
    with pytest.raises(TypeError, match="runs"):
        animations.angle_sweep({"band_limited": None}, two_fold, generic)
    with pytest.raises(ValueError, match="x: expected a pattern with k-fold symmetry"):
        animations.angle_sweep(runs, generic, generic)
    with pytest.raises(ValueError, match="x"):
        animations.angle_sweep(runs, two_fold[:, :16], generic)
    with pytest.raises(ValueError, match="generic"):
        animations.angle_sweep(runs, two_fold, generic[:1])
    with pytest.raises(ValueError, match="frames"):
        animations.angle_sweep(runs, two_fold, generic, frames=1)


def test_the_same_frames_give_the_same_html():
    """matplotlib names its player with a fresh uuid on every call; offline_html replaces it
    by a hash of the page, so a chapter executed twice stores the same bytes, and two
    different animations still get different names."""
    def page(values):
        fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
        return _player.animate(fig, lambda i: ax.plot([0, 1], [0, values[i]]), len(values))
    first, again, other = page([1, 2]), page([1, 2]), page([2, 1])
    assert first == again
    name = re.search(r'_anim_img([0-9a-f]{32})', first).group(1)
    assert name not in other
