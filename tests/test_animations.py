"""minidisent.animations: self-contained HTML players, one PNG per frame, nothing online."""
import base64
import re
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation

from minidisent import animations, data, defect, groups, operators, recipes

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
        animations.offline_html("<div></div>")
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
    assert "http" not in animations.offline_html(player)
    plt.close(fig)
