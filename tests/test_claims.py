"""The claims sweep (minidisent.claims) and the whitened recipe. The sweep itself is too
slow for the test suite; these check its bookkeeping and one cheap claim."""
import glob
import json
import os
import re

import numpy as np
import pytest

from minidisent import claims, closed_form, data, groups, recipes, representations, weak
from minidisent.claims import sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chapter_calls():
    """Names f of every claims.f( in the code cells of the chapters."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "chapters", "*.ipynb")):
        for cell in json.load(open(path))["cells"]:
            if cell["cell_type"] == "code":
                names |= set(re.findall(r"\bclaims\.(\w+)\(", "".join(cell["source"])))
    return names


def test_every_claim_a_chapter_asserts_is_in_the_sweep():
    called = chapter_calls()
    assert called - claims.HELPERS, "no chapter calls a claim function"
    unknown = called - claims.HELPERS - set(claims.CLAIMS)
    assert not unknown, sorted(unknown)
    assert not claims.HELPERS & set(claims.CLAIMS)
    assert all(callable(getattr(claims, name)) for name in claims.HELPERS)


def test_the_stored_sweep_covers_every_claim_and_is_the_readme_table():
    seeds, measured = claims.stored()
    assert set(measured) == set(claims.CLAIMS) and len(seeds) >= 5
    assert all(len(cs) == len(seeds) for cs in measured.values())
    readme = open(os.path.join(ROOT, "README.md")).read()
    section = readme.split(sweep.BEGIN)[1].split(sweep.END)[0].strip()
    assert section == sweep.report(measured, seeds)
    assert not sweep.failures(measured)  # what the README states as "every seed" held


def test_failures_counts_only_every_seed_claims():
    bad = claims.Claim("x", 1.0, "<= 0.5", False)
    good = claims.Claim("x", 0.1, "<= 0.5", True)
    measured = {"linear_shift_exact": [good, bad], "weak_anchors_16": [bad, good]}
    assert sweep.failures(measured) == ["linear_shift_exact"]
    assert "| 1 |" in sweep.report(measured,
                                   [0, 1]).splitlines()[2]  # worst of "<=" is the largest


@pytest.mark.parametrize("group",
                         [groups.cyclic(12), groups.rotations(4), groups.translations_rotations(3),
                                   groups.dihedral(4)], ids=lambda g: g.name)
def test_whitening_commutes_with_the_group_and_whitens_the_orbits(group):
    X = data.random_blobs(group.shape, 200,
                          np.random.default_rng(0)) if len(group.shape) == 2 else \
        data.random_signals(group.shape[0], 200, np.random.default_rng(0))
    W, W_inverse = closed_form.whitening(group, X)
    np.testing.assert_allclose(W @ W_inverse, np.eye(group.n_pixels), atol=1e-8)
    rho = representations.pixel_matrices(group)
    assert max(np.abs(r @ W - W @ r).max() for r in rho) < 1e-8
    # independent: the moment of the whole orbits, whitened, is the identity
    orbit = data.orbit_pairs(group, X)[2].reshape(len(X) * group.order, -1) @ W
    np.testing.assert_allclose(orbit.T @ orbit / len(orbit), np.eye(group.n_pixels), atol=1e-6)


def test_whitening_spectrum_is_the_closed_form_spectrum():
    group = groups.cyclic(16)
    X = data.random_signals(16, 100, np.random.default_rng(1))
    W, W_inverse = closed_form.whitening(group, X, floor=0.0)
    moment = np.sort(np.linalg.eigvalsh(W_inverse @ W_inverse))
    spectrum = np.sort(np.concatenate(representations.spectrum(group, X))) / len(X)
    np.testing.assert_allclose(moment, spectrum, rtol=1e-6, atol=1e-12)


def test_whitened_run_is_exact_on_z64_where_the_plain_one_is_not():
    group, train_pairs, test_pairs = data.signals_1d(64, 256, seed=2)
    white = recipes.run("linear", "shift", group, train_pairs, test_pairs, seed=2, whiten=True,
                        consistency=1.0, steps=1500)
    plain = recipes.run("linear", "shift", group, train_pairs, test_pairs, seed=2, consistency=1.0,
                        steps=1500)
    assert white.errors["prediction"]["all"] < 1e-3 * plain.errors["prediction"]["all"]
    # the folded parameters act on the original images: check one prediction by hand
    x1, g, x2 = test_pairs
    z = np.stack([np.roll(z, k) for z, k in zip(x1[:4] @ white.params["encoder"], g[:4])])
    np.testing.assert_allclose(z @ white.params["decoder"], x2[:4], atol=1e-3)


def test_whiten_refuses_an_mlp():
    group, train_pairs, test_pairs = data.signals_1d(8, 16, seed=0)
    with pytest.raises(ValueError, match="whiten"):
        recipes.run("mlp", "shift", group, train_pairs, test_pairs, whiten=True, steps=1)


def test_a_cheap_claim_holds_at_seed_0():
    c = claims.shift_linear_z16(0)
    assert c.holds and c.value <= 1e-6 and c.name == "shift_linear_z16"
    assert str(c) == "shift_linear_z16 <= 1e-06: True"


def test_shift_latent_of_the_dihedral_group_holds_its_pixels():
    assert representations.shift_latent_dim(groups.dihedral(6)) == 48


def test_run_weak_refuses_a_non_commutative_group_before_training():
    group = groups.translations_rotations(3)
    pairs = data.pairs(group, np.random.default_rng(0).normal(size=(8, 3, 3)),
                       np.random.default_rng(0))
    with pytest.raises(ValueError, match="group"):
        weak.run_weak("linear", group, pairs, pairs, anchors=0, steps=10**6)


def test_a_claim_reads_the_run_it_is_given_and_trains_none():
    fake = recipes.Trained(*[None] * len(recipes.Trained._fields))._replace(
        errors={k: {"generic": 2e-7, "symmetric": 5e-7} for k in ("prediction", "equivariance")})
    c = claims.shift_linear_z16(0, run=fake)  # trains nothing: returns at once
    assert c.value == 5e-7 and c.holds
    worse = fake._replace(errors={k: {"generic": 0.0, "symmetric": 2e-6}
                                  for k in ("prediction", "equivariance")})
    assert not claims.shift_linear_z16(0, run=worse).holds


def test_the_sweep_trains_what_claims_share_once_per_seed():
    calls = []

    def trainer(seed):
        calls.append(seed)
        return 10 * seed

    @claims.common.needs(value=trainer)
    def one(seed, value=None):
        return claims.common.below("one", value, 15)

    @claims.common.needs(value=trainer)
    def two(seed, value=None):
        return claims.common.above("two", value, 5)

    trained = {}
    measured = [claims.common.measure(f, s, trained) for f in (one, two) for s in (0, 1, 2)]
    assert calls == [0, 1, 2]  # three trainings for six claims
    assert [c.holds for c in measured] == [True, True, False, False, True, True]
    assert claims.common.measure(lambda seed: claims.common.below("x", seed, 1), 3, {}).value == 3
