"""saving.save / load / restore: an exact round trip; truncated, foreign and mismatched files
rejected with a clear ValueError, and nothing in a file ever executed."""
import json
import os
import pickle

import numpy as np
import pytest

from minidisent import data, groups, metrics, recipes, saving, train


@pytest.fixture(scope="module")
def trained():
    """A briefly trained MLP with the shift operator on Z_8, its pairs and its meta."""
    group, pairs, test = data.signals_1d(8, 64, seed=1)
    result = recipes.run("mlp", "shift", group, pairs, test, steps=30, seed=1)
    meta = saving.describe(result.model, result.op, seed=1, errors=result.errors)
    return result, test, meta


def saved(tmp_path, trained, name="model.npz"):
    result, _, meta = trained
    path = tmp_path / name
    saving.save(path, result.params, meta)
    return path


def write_raw(path, **arrays):
    """An archive written by hand, bypassing save's checks."""
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def test_round_trip_is_bit_identical(tmp_path, trained):
    result, test, meta = trained
    params, loaded_meta = saving.load(saved(tmp_path, trained))
    assert sorted(params) == sorted(result.params)
    for k, v in result.params.items():
        assert params[k].dtype == v.dtype and params[k].shape == v.shape
        assert params[k].tobytes() == v.tobytes()  # every bit
    assert loaded_meta == json.loads(json.dumps(meta))  # JSON turns tuples into lists, nothing else
    assert loaded_meta["group"]["order"] == 8 and loaded_meta["operator"] == "shift"
    assert loaded_meta["hidden"] == [64] and loaded_meta["latent_dim"] == 8


def test_restore_rebuilds_model_and_operator_that_give_the_same_numbers(tmp_path, trained):
    result, test, meta = trained
    model, op, params, _ = saving.restore(saved(tmp_path, trained), groups.cyclic(8))
    assert (model.name, model.shape, model.latent_dim, op.name) == ("mlp", (8,), 8, "shift")
    before = train.predict(result.model, result.params, result.op, test[0], test[1])
    after = train.predict(model, params, op, test[0], test[1])
    assert after.tobytes() == before.tobytes()
    assert metrics.prediction_error(model, params, op, test) == result.errors["prediction"]["all"]


def test_a_generated_group_round_trips_and_another_group_is_refused(tmp_path):
    group = groups.translations_rotations(3)
    model, op = recipes.build("linear", "shift", group, group.order)
    params = model.init(np.random.default_rng(0))
    path = tmp_path / "p4.npz"
    saving.save(path, params, saving.describe(model, op))
    _, op2, params2, _ = saving.restore(path, groups.translations_rotations(3))
    assert np.array_equal(op2.group.table, group.table)
    with pytest.raises(ValueError, match="group: expected the group the file was saved with"):
        saving.restore(path, groups.dihedral(3))


def test_save_writes_to_the_exact_path_and_overwrites_whole(tmp_path, trained):
    path = saved(tmp_path, trained, name="no_suffix")
    assert os.listdir(tmp_path) == ["no_suffix"]  # no ".npz" appended, no temporary file left
    saving.save(path, trained[0].params, trained[2])
    assert os.listdir(tmp_path) == ["no_suffix"]


def test_save_refuses_params_that_do_not_fit_meta(tmp_path, trained):
    result, _, meta = trained
    with pytest.raises(ValueError, match=r"params: the parameters do not fit the mlp model"):
        saving.save(tmp_path / "x.npz", {**result.params, "extra": np.zeros(2)}, meta)
    with pytest.raises(ValueError, match=r"meta: expected a dict with the keys"):
        saving.save(tmp_path / "x.npz", result.params, {"model": "mlp"})
    with pytest.raises(TypeError, match="meta: expected JSON values"):
        saving.save(tmp_path / "x.npz", result.params, {**meta, "rng": np.random.default_rng(0)})
    assert not os.listdir(tmp_path)


def corrupt(kind, path, tmp_path, trained):
    """A bad file of the given kind, made from the good one at path."""
    raw = path.read_bytes()
    good = dict(np.load(path, allow_pickle=False))
    meta = json.loads(str(good["meta"]))
    bad = tmp_path / f"{kind}.npz"
    if kind == "truncated":
        bad.write_bytes(raw[: len(raw) * 2 // 3])
    elif kind == "bit flipped":
        # flip a byte inside the first stored parameter's data (after its headers)
        at = raw.index(b"params/") + 200
        bad.write_bytes(raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1:])
    elif kind == "text":
        bad.write_text("model: mlp\nencoder: 1 2 3\n")
    elif kind == "single npy":
        np.save(open(bad, "wb"), np.ones(3))
    elif kind == "npz without tag":
        write_raw(bad, **{k: v for k, v in good.items() if k != "format"})
    elif kind == "wrong tag":
        write_raw(bad, **{**good, "format": np.array("something-else")})
    elif kind == "newer version":
        write_raw(bad, **{**good, "version": np.array(saving.VERSION + 1)})
    elif kind == "meta not JSON":
        write_raw(bad, **{**good, "meta": np.array("{model: mlp")})
    elif kind == "meta without group":
        write_raw(bad,
                  **{**good,
                     "meta": np.array(json.dumps({k: v for k, v in meta.items() if k != "group"}))})
    elif kind == "unknown model":
        write_raw(bad, **{**good, "meta": np.array(json.dumps({**meta, "model": "transformer"}))})
    elif kind == "params of another model":
        write_raw(bad, **{**good, "meta": np.array(json.dumps({**meta, "latent_dim": 16}))})
    elif kind == "missing param":
        write_raw(bad, **{k: v for k, v in good.items() if k != "params/decoder_b0"})
    elif kind == "NaN param":
        write_raw(bad, **{**good, "params/encoder_b0": good["params/encoder_b0"] * np.nan})
    return bad


CORRUPTIONS = {  # kind -> words the error must contain
    "truncated": "truncated or foreign",
    "bit flipped": "truncated or foreign",
    "text": "truncated or foreign",
    "single npy": "expected an .npz archive",
    "npz without tag": "expected the format tag 'minidisent-params', got none",
    "wrong tag": "got 'something-else'",
    "newer version": f"expected format version 1..{saving.VERSION}, got {saving.VERSION + 1}",
    "meta not JSON": "expected meta as JSON text",
    "meta without group": "expected a dict with the keys",
    "unknown model": "meta['model']: expected one of ['linear', 'mlp'], got 'transformer'",
    "params of another model": "do not fit the mlp model named in meta",
    "missing param": "missing ['decoder_b0']",
    "NaN param": "params['encoder_b0']: expected finite values",
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_bad_file_gives_a_clear_value_error(kind, tmp_path, trained):
    bad = corrupt(kind, saved(tmp_path, trained), tmp_path, trained)
    with pytest.raises(ValueError) as info:
        saving.load(bad)
    assert str(bad) in str(info.value) and CORRUPTIONS[kind] in str(info.value), str(info.value)
    assert "allow_pickle" not in str(info.value)  # never advise loading unsafely


class Payload:
    """Unpickling this runs os.mkdir(marker): evidence that a loader executed the file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


@pytest.mark.parametrize("where", ["whole file", "object array in the archive", "meta"])
def test_loading_never_executes_code(where, tmp_path, trained):
    marker = str(tmp_path / "EXECUTED")
    bad = tmp_path / "evil.npz"
    if where == "whole file":
        bad.write_bytes(pickle.dumps(Payload(marker)))
    else:
        good = dict(np.load(saved(tmp_path, trained), allow_pickle=False))
        evil = np.array([Payload(marker)], dtype=object)
        write_raw(bad, **{**good, ("params/encoder_w0" if where != "meta" else "meta"): evil})
    with pytest.raises(ValueError, match="truncated or foreign"):
        saving.load(bad)
    assert not os.path.exists(marker)
    pickle.loads(pickle.dumps(Payload(marker)))  # the payload is live: this does run it
    assert os.path.exists(marker)


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        saving.load(tmp_path / "nowhere.npz")
