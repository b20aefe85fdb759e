"""Hostile files and hostile sizes: every attack is crafted here (small zip files written with
zipfile, headers patched by hand) and must end in a clear ValueError naming the file, fast
and without inflating or allocating what the file declares."""
import io
import json
import os
import stat
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from minidisent import bench, groups, models, operators, sampling, saving

Z8 = groups.cyclic(8)
LIN = models.linear(8, 8)
PARAMS = LIN.init(np.random.default_rng(0))
META = saving.describe(LIN, operators.shift(Z8, 8))


def npy(array):
    """The bytes np.save writes for array."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def entries(meta=META, params=PARAMS, text=None):
    """{entry name: bytes} of the archive saving.save writes (meta given as a dict or raw text)."""
    text = json.dumps(meta) if text is None else text
    return {"format.npy": npy(np.array("minidisent-params")), "version.npy": npy(np.array(1)),
            "meta.npy": npy(np.array(text)),
            **{f"params/{k}.npy": npy(v) for k, v in params.items()}}


def archive(path, content, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in content.items():
            z.writestr(name, data)
    return path


def declare(path, name, size):
    """Patch the uncompressed size recorded for entry `name` in its local and central headers
    (offsets 22 and 24 after the signatures), leaving the stored bytes as they are."""
    raw, encoded = bytearray(path.read_bytes()), name.encode()
    for signature, at_size, at_name in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        i = raw.find(signature)
        while raw[i + at_name:i + at_name + len(encoded)] != encoded:
            i = raw.find(signature, i + 1)
        raw[i + at_size:i + at_size + 4] = struct.pack("<I", size)
    path.write_bytes(bytes(raw))
    return path


def meta_with(**changes):
    return {**META, **changes}


# name -> (build(folder) -> path, the call on that path, words the ValueError must contain)
ATTACKS = {
    "model beyond the bound (2e10 parameters)": (
        lambda d: archive(d / "a.npz",
                          entries(meta_with(model="mlp", shape=[10 ** 5], hidden=[10 ** 5]))),
        saving.load, "at most 100000000 parameters"),
    "model of 2e8 parameters (1.6 GB), 3 KB file": (
        lambda d: archive(d / "a.npz", entries(meta_with(shape=[10 ** 5], latent_dim=1000))),
        saving.load, "got a linear model of 200000000"),
    "big model within the bound, tiny entries (5e7 parameters)": (
        lambda d: archive(d / "a.npz", entries(meta_with(shape=[5000], latent_dim=5000))),
        saving.load, "params['encoder']: expected shape (5000, 5000) for this model, got (8, 8)"),
    "2 GiB declared by a parameter entry": (
        lambda d: declare(archive(d / "a.npz", entries(), zipfile.ZIP_DEFLATED),
                          "params/encoder.npy", 2 ** 31),
        saving.load, "declaring 2147483648 bytes"),
    "2 GiB declared by the meta entry": (
        lambda d: declare(archive(d / "a.npz", entries(), zipfile.ZIP_DEFLATED), "meta.npy",
                          2 ** 31),
        saving.load, "declaring 2147483648 bytes"),
    "a stored entry declaring more bytes than it holds": (
        lambda d: declare(archive(d / "a.npz", entries()), "params/decoder.npy", 10 ** 6),
        saving.load, "more than deflate can give"),
    "a size within the bound but not the array's": (
        lambda d: declare(archive(d / "a.npz", entries(), zipfile.ZIP_DEFLATED),
                          "params/decoder.npy", 1000),
        saving.load, "declares 1000 bytes, expected 640"),
    "16 MB of zeros deflated to 16 KB as an unknown entry": (
        lambda d: archive(d / "a.npz", {**entries(), "params/zeros.npy": bytes(16 * 2 ** 20)},
                          zipfile.ZIP_DEFLATED),
        saving.load, "extra ['zeros']"),
    "16 MB of zeros deflated to 16 KB as a parameter": (
        lambda d: archive(d / "a.npz", {**entries(), "params/encoder.npy": bytes(16 * 2 ** 20)},
                          zipfile.ZIP_DEFLATED),
        saving.load, "expected an array (8, 8), got an entry declaring 16777216 bytes (not "
                     "inflated)"),
    "an unknown entry name": (
        lambda d: archive(d / "a.npz", {**entries(), "run_me.py": b"import os"}),
        saving.load, "unexpected entry 'run_me.py'"),
    "10000 entries": (
        lambda d: archive(d / "a.npz", {**entries(), **{f"x{i}": b"" for i in range(10000)}}),
        saving.load, "declaring 10005 entries"),
    "meta nested 30000 deep": (
        lambda d: archive(d / "a.npz", entries(text="[" * 30000 + "]" * 30000)),
        saving.load, "expected meta as JSON text, got RecursionError"),
    "meta of 1 MB": (
        lambda d: archive(d / "a.npz", entries(text=json.dumps({**META, "pad": "x" * 2 ** 20}))),
        saving.load, "'meta.npy' declaring"),
    "a list where the model's name is expected": (
        lambda d: archive(d / "a.npz", entries(meta_with(model=["mlp"]))),
        saving.load, "meta['model']: expected one of ['linear', 'mlp'], got ['mlp']"),
    "a dict where the operator's name is expected": (
        lambda d: archive(d / "a.npz", entries(meta_with(operator={"shift": 1}))),
        saving.load, "meta['operator']: expected a name (text), got {'shift': 1}"),
    "a float where a size is expected": (
        lambda d: archive(d / "a.npz", entries(meta_with(latent_dim=8.0))),
        saving.load, "meta['latent_dim']: expected an integer in [1, 16777216], got 8.0"),
    "a group that is not a dict": (
        lambda d: archive(d / "a.npz", entries(meta_with(group="Z_8"))),
        saving.load, "meta['group']: expected a dict with name, shape, order and fingerprint"),
    "a model shape that is not the group's": (
        lambda d: archive(d / "a.npz",
                          entries(meta_with(shape=[16]),
                                  models.linear(16, 8).init(np.random.default_rng(0)))),
        lambda path: saving.restore(path, Z8),
                                              "meta['shape']: expected the shape (8,) of the "
                                              "group, got [16]"),
    "the group's name changed": (
        lambda d: archive(d / "a.npz", entries(meta_with(group={**META["group"], "name": "Z_9"}))),
        lambda path: saving.restore(path, Z8), "group: expected the group the file was saved with"),
    "an operator that cannot be built on the group": (
        lambda d: archive(d / "a.npz",
                          entries(meta_with(latent_dim=12),
                                  models.linear(8, 12).init(np.random.default_rng(0)))),
        lambda path: saving.restore(path, Z8), "the shift operator cannot be built"),
    "a FIFO": (lambda d: (os.mkfifo(d / "a.npz"), d / "a.npz")[1], saving.load,
               "got a FIFO (named pipe)"),
    "a folder": (lambda d: (os.mkdir(d / "a.npz"), d / "a.npz")[1], saving.load, "got a folder"),
    "an object array (pickle) as a parameter": (
        lambda d: archive(d / "a.npz", {**entries(), "params/encoder.npy": _object_npy()}),
        saving.load, "never unpickled"),
    "a parameter of dtype int": (
        lambda d: archive(d / "a.npz",
                          {**entries(), "params/encoder.npy": npy(np.zeros((8, 8), int))}),
        saving.load, "params['encoder']: expected a float array, got dtype int64"),
}


def _object_npy():
    buffer = io.BytesIO()
    np.save(buffer, np.array([None, 1], dtype=object), allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_is_a_clear_value_error_naming_the_file(name, tmp_path):
    build, call, words = ATTACKS[name]
    path = build(tmp_path)
    start = time.perf_counter()
    with pytest.raises(ValueError) as info:
        call(path)
    assert time.perf_counter() - start < 0.5
    assert str(path) in str(info.value) and words in str(info.value), str(info.value)


@pytest.mark.parametrize("name", ["model of 2e8 parameters (1.6 GB), 3 KB file",
                                  "big model within the bound, tiny entries (5e7 parameters)",
                                  "2 GiB declared by a parameter entry",
                                  "16 MB of zeros deflated to 16 KB as an unknown entry",
                                  "16 MB of zeros deflated to 16 KB as a parameter"])
def test_declared_sizes_cost_nothing(name, tmp_path):
    """Neither the model a file declares nor an entry's declared size is ever allocated:
    peak traced memory stays under 2 MB (the 5e7-parameter model would take 400 MB)."""
    build, call, _ = ATTACKS[name]
    path = build(tmp_path)
    saving.load(archive(tmp_path / "good.npz", entries()))  # imports and caches warmed up
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ValueError):
        call(path)
    seconds, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 0.5 and peak < 2 * 2 ** 20, (seconds, peak)


def test_a_crafted_good_file_loads_bit_for_bit(tmp_path):
    """The crafting above writes what save writes: the same file passes, stored or deflated,
    and the parameters come back bit for bit."""
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        params, meta = saving.load(archive(tmp_path / f"{method}.npz", entries(), method))
        assert meta == json.loads(json.dumps(META))
        assert all(params[k].tobytes() == v.tobytes() and params[k].dtype == v.dtype for k,
                   v in PARAMS.items())


def test_float32_and_fortran_order_round_trip(tmp_path):
    params = {"encoder": np.asfortranarray(PARAMS["encoder"]).astype(np.float32),
              "decoder": PARAMS["decoder"]}
    saving.save(tmp_path / "m.npz", params, META)
    loaded, _ = saving.load(tmp_path / "m.npz")
    assert loaded["encoder"].dtype == np.float32
    assert loaded["encoder"].tobytes("A") == params["encoder"].tobytes("A")


@pytest.mark.parametrize("model", [models.linear((3, 4), 5), models.mlp(8, 3, hidden=()),
                                   models.mlp((2, 3), 4),
                                   models.mlp(5, 2, hidden=(7, 3, 9))], ids=repr)
def test_expected_shapes_are_those_model_init_draws(model):
    meta = {"model": model.name, "shape": list(model.shape), "latent_dim": model.latent_dim}
    if model.name == "mlp":
        meta["hidden"] = [s[1] for k,
                          s in sorted(model.shapes.items()) if k.startswith("encoder_w")][:-1]
    drawn = {k: v.shape for k, v in model.init(np.random.default_rng(0)).items()}
    assert saving.expected_shapes(meta) == drawn == model.shapes


def no_temporary(folder, before):
    return sorted(os.listdir(folder)) == sorted(before)


def test_save_leaves_nothing_behind_and_names_the_target(tmp_path, monkeypatch):
    os.mkdir(tmp_path / "folder")
    with pytest.raises(IsADirectoryError, match="folder"):
        saving.save(tmp_path / "folder", PARAMS, META)
    with pytest.raises(ValueError, match="path: expected a file name, got ''"):
        saving.save("", PARAMS, META)
    with pytest.raises(FileNotFoundError) as info:
        saving.save(tmp_path / "missing" / "m.npz", PARAMS, META)
    assert str(tmp_path / "missing" / "m.npz") in str(info.value) and ".tmp" not in str(info.value)
    assert os.listdir(tmp_path) == ["folder"] and not os.listdir(tmp_path / "folder")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="No space left"):
        saving.save(tmp_path / "m.npz", PARAMS, META)
    assert os.listdir(tmp_path) == ["folder"]


def writable(folder):
    try:
        handle, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.remove(name)
    return True


def test_an_unwritable_folder_is_reported_by_the_target(tmp_path):
    locked = tmp_path / "locked"
    os.mkdir(locked)
    os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR)
    if writable(locked):  # root writes anyway: use a folder nobody can write
        locked = "/sys"
        if not os.path.isdir(locked) or writable(locked):
            pytest.skip("no unwritable folder here")
    before = os.listdir(locked)
    with pytest.raises(PermissionError) as info:
        saving.save(os.path.join(locked, "m.npz"), PARAMS, META)
    assert os.path.join(locked, "m.npz") in str(info.value)
    assert no_temporary(locked, before)


# ---- sizes and group construction ----

SIZES = [  # call, words the ValueError must contain
    (lambda: groups.cyclic(10 ** 6), "order 1000000"),
    (lambda: groups.cyclic(2 ** 70), f"order {2 ** 70}"),
    (lambda: groups.translations((2000, 2000)), "order 4000000"),
    (lambda: groups.translations((np.int8(100), np.int8(100))), "order 10000"),
    (lambda: groups.rotations(np.int16(3000)), "9000000 pixels"),
    (lambda: groups.rotations(2 ** 64), "pixels"),
    (lambda: groups.dihedral(10 ** 4), "order 8 on 100000000 pixels"),
    (lambda: groups.translations_rotations(33), "order 4356"),
    (lambda: groups.generate((2 ** 25,), []), "on 33554432 pixels"),
]


@pytest.mark.parametrize("case", range(len(SIZES)))
def test_a_group_too_big_is_refused_at_once_naming_the_limits(case):
    call, words = SIZES[case]
    start = time.perf_counter()
    with pytest.raises(ValueError) as info:
        call()
    assert time.perf_counter() - start < 0.1
    message = str(info.value)
    assert words in message and "4096" in message and "16777216" in message, message


def test_a_numpy_small_int_size_gives_the_same_group():
    for small, size in ((groups.rotations(np.int8(12)), groups.rotations(12)),
                        (groups.cyclic(np.uint8(200)), groups.cyclic(200))):
        assert small.shape == size.shape and np.array_equal(small.table, size.table)


def test_generate_stops_a_huge_closure():
    n = 64  # a 64-cycle and a transposition generate all 64! permutations
    start = time.perf_counter()
    with pytest.raises(ValueError,
                       match=r"generators: expected a group of order <= 4096 .* the closure was "
                             r"stopped"):
        groups.generate((n,), [np.roll(np.arange(n), 1), np.r_[1, 0, 2:n]])
    assert time.perf_counter() - start < 2


def test_interpolated_rotation_refuses_a_dense_matrix_too_big():
    with pytest.raises(ValueError, match="at most 64 x 64 pixels"):
        sampling.interpolated_rotation(np.zeros((1, 200, 200)), 30.0)
    assert sampling.interpolated_rotation(np.ones((1, 16, 16)), 90.0).shape == (1, 16, 16)


def brute_table(perms):
    """table[g, h] by composing every pair in full and a dict of rows (the definition)."""
    index = {p.tobytes(): i for i, p in enumerate(perms)}
    return np.array([[index[perms[h][perms[g]].tobytes()] for h in range(len(perms))]
                     for g in range(len(perms))])


@pytest.mark.parametrize("G",
                         [groups.dihedral(4), groups.translations_rotations(4), groups.rotations(3),
                               groups.translations((3, 4)), groups.cyclic(1),
                               groups.generate((5,), [[1, 0, 2, 3, 4], [1, 2, 3, 4, 0]],
                                               name="S_5")],
                         ids=repr)
def test_the_table_is_the_definition(G):
    assert np.array_equal(G.table, brute_table(G.perms))


def test_a_row_that_agrees_on_a_few_pixels_but_breaks_closure_is_caught():
    """Rows are named by their values on a few pixels; a row that agrees there with a group
    element but differs elsewhere must still be refused."""
    for G in (groups.cyclic(4), groups.translations((4, 4)), groups.dihedral(3)):
        perms = G.perms.copy()
        row = perms[-1]
        fixed = row.copy()
        fixed[[-1, -2]] = row[[-2, -1]]  # same values everywhere except the last two pixels
        perms[-1] = fixed
        with pytest.raises(ValueError, match="closed under composition"):
            groups.Group("x", G.shape, perms)


def test_a_big_cyclic_group_is_quick_and_right():
    start = time.perf_counter()
    G = groups.cyclic(2000)  # about 85 s before the table was built from a few pixels
    assert time.perf_counter() - start < 10
    assert np.array_equal(G.table, (np.arange(2000)[:, None] + np.arange(2000)) % 2000)


@pytest.mark.parametrize("perms, factors, ok", [
    (groups.cyclic(8).perms, (2, 4), False),      # Z_8 is not Z_2 x Z_4
    (groups.cyclic(8).perms, (4, 2), False),
    (groups.cyclic(6).perms, (2, 3), False),      # Z_6 ≅ Z_2 x Z_3, but not with this numbering
    (groups.translations((2, 3)).perms, (2, 3), True),
    (groups.translations((2, 3)).perms, (3, 2), False),
    (groups.rotations(3).perms, (4,), True),
    (groups.cyclic(8).perms, (1, 8), True),
])
def test_factors_are_checked_against_the_table(perms, factors, ok):
    if ok:
        G = groups.Group("x", (len(perms[0]),), perms, factors=factors)
        coordinates = G.coordinates(np.arange(G.order))
        summed = np.ravel_multi_index(tuple(((coordinates[:,
                                                          None] + coordinates[None]) % factors).T),
                                      factors)
        assert np.array_equal(summed.T, G.table)  # the brute-force statement, all pairs
    else:
        with pytest.raises(ValueError,
                           match=rf"factors: .*{factors[0]}.*these factors do not describe this "
                                 r"group"):
            groups.Group("x", (len(perms[0]),), perms, factors=factors)


def test_random_corruptions_give_a_value_error_or_the_same_parameters(tmp_path):
    """200 files made from a good one by flipping, cutting and inserting bytes: each either
    loads the very same parameters (a harmless byte, e.g. a timestamp) or raises a ValueError
    naming the file; never another exception."""
    rng = np.random.default_rng(0)
    goods = [archive(tmp_path / f"good{m}.npz", entries(),
                     m).read_bytes() for m in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    path = tmp_path / "bad.npz"
    for trial in range(200):
        raw = bytearray(goods[trial % 2])
        for _ in range(rng.integers(1, 4)):
            kind, at = rng.integers(3), rng.integers(max(1, len(raw)))
            if kind == 0:
                raw[at] = rng.integers(256)
            elif kind == 1:
                del raw[at:]
            else:
                raw[at:at] = rng.integers(0, 256, rng.integers(1, 8)).astype(np.uint8).tobytes()
        path.write_bytes(bytes(raw))
        try:
            params, _ = saving.load(path)
        except ValueError as error:
            assert str(path) in str(error)
            continue
        assert all(params[k].tobytes() == v.tobytes() for k, v in PARAMS.items())


# ---- interrupted writes and children (issue 22: data loss) ----

def test_sigterm_during_a_large_save_leaves_no_temporary(tmp_path):
    """SIGTERM (a plain kill: no handler in the child) at several moments while save writes a
    134 MB model over and over: the folder holds the whole target or nothing, never a tmp file."""
    target = tmp_path / "m.npz"
    code = ("import sys, numpy as np; from minidisent import groups, models, operators, saving\n"
            "G = groups.cyclic(8); lin = models.linear(8, 8)\n"
            "meta = saving.describe(lin, operators.shift(G, 8))\n"
            "meta['shape'], meta['latent_dim'] = [2048], 4096\n"
            "params = {k: np.ones(s) for k, s in saving.expected_shapes(meta).items()}\n"
            "print('ready', flush=True)\nwhile True:\n"
            f"    saving.save({str(target)!r}, params, meta)")
    for delay in (0.0, 0.1, 0.3, 0.6):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        time.sleep(delay)
        child.terminate()
        assert child.wait(timeout=60) == -15
        assert os.listdir(tmp_path) in ([], ["m.npz"])
        if os.listdir(tmp_path):
            params, meta = saving.load(target)
            assert meta["latent_dim"] == 4096 and all((v == 1).all() for v in params.values())


def test_save_replaces_a_symlink_instead_of_writing_through_it(tmp_path):
    mine = tmp_path / "mine.txt"
    mine.write_text("someone's file")
    (tmp_path / "m.npz").symlink_to(mine)
    saving.save(tmp_path / "m.npz", PARAMS, META)
    assert mine.read_text() == "someone's file" and not (tmp_path / "m.npz").is_symlink()
    assert saving.load(tmp_path / "m.npz")[1] == META


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def test_sigterm_to_the_benchmark_stops_its_child(tmp_path):
    bench = subprocess.Popen([sys.executable, "-m", "minidisent.bench", "--chapters"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, child = time.time() + 60, []
        while not child and time.time() < deadline:
            time.sleep(0.1)
            child = children(bench.pid)
        assert child, "the benchmark started no child within 60 s"
        bench.terminate()
        assert bench.wait(timeout=30) == 143
        deadline = time.time() + 10
        while os.path.exists(f"/proc/{child[0]}") and time.time() < deadline:
            time.sleep(0.1)
        status = f"/proc/{child[0]}/status"
        alive = os.path.exists(status) and "zombie" not in open(status).read()
        assert not alive, f"child {child[0]} of the benchmark still runs"
    finally:
        if bench.poll() is None:
            bench.kill()


def test_the_benchmark_cites_what_is_in_the_repository():
    assert "DESIGN.md" not in bench.__doc__
    assert "Performance: python -m minidisent.bench" in bench.__doc__
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    readme = open(os.path.join(root, "README.md")).read()
    assert "## Performance: `python -m minidisent.bench`" in readme
