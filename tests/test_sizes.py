"""Sizes bounded before allocation, and large valid groups in closed form (issue 22, "Unbounded
sizes" and "Smaller"): each case is refused fast with a message giving the real size, or
computed in closed form, with its time and memory bound asserted where the bound is the point.
Peak memory is measured with tracemalloc (numpy reports its allocations to it)."""
import io
import json
import os
import pathlib
import shutil
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from minidisent import (allocation, characters, closed_form, data, digits, groups, models,
                        operators, representations, sampling, saving)


def measured(call):
    """(result or exception, seconds, peak MiB traced) of call()."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        out = call()
    except Exception as error:  # returned, to be asserted on
        out = error
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    return out, seconds, peak


# ---- polar sampling -------------------------------------------------------------------

def test_polar_rotations_refuse_a_huge_grid_before_building_it():
    error, seconds, peak = measured(lambda: sampling.polar_rotations(1000, 4000, 10))
    assert isinstance(error, ValueError) and str(error).startswith("n:")
    assert "order 10 on 4000000 pixels" in str(error) and "40000000" in str(error)  # the real size
    assert seconds < 0.5 and peak < 1


def test_polar_matrix_too_big_is_refused_with_its_size():
    error, seconds, peak = measured(lambda: sampling.polar(np.zeros((1, 64, 64)), 40, 900))
    assert isinstance(error, ValueError) and str(error).startswith("radii, angles:")
    assert "40·900·64·64 = 147456000" in str(error) and "1125 MiB" in str(error)
    assert seconds < 0.5 and peak < 1


def test_polar_cache_is_bounded_in_bytes(monkeypatch):
    sampling.clear_cache()
    monkeypatch.setattr(sampling, "MAX_CACHED", 5 * 2 ** 20)  # 5 MiB: two matrices, not three
    X = np.random.default_rng(0).random((2, 32, 32))
    first = sampling.polar(X, 8, 32)  # each matrix (8·angles, 32·32) float64: 2 to 2.4 MiB
    for angles in (33, 34, 35, 36, 37, 38):
        sampling.polar(X, 8, angles)
        assert sum(sampling.cached().values()) <= 5 * 2 ** 20
    assert [key[2] for key in sampling.cached()] == [37, 38]  # the two most recent
    assert np.array_equal(sampling.polar(X, 8, 32), first)  # rebuilt, the same numbers
    sampling.clear_cache()


def test_polar_r_max_beyond_the_corners_is_refused():
    with pytest.raises(ValueError, match=r"^r_max: expected at most 4.94975, the .* got 1e\+20"):
        sampling.polar(np.ones((1, 8, 8)), 4, 40, r_max=1e20)
    corner = 3.5 * np.sqrt(2)  # still accepted: every pixel is read
    assert np.any(sampling.polar(np.ones((1, 8, 8)), 4, 40, r_max=corner)[0, -1])


# ---- saving.load: bounded in bytes, zip directory from the real end record ----------------

def meta(pixels, latent_dim):
    return {"model": "linear", "shape": [pixels], "latent_dim": latent_dim, "operator": "identity",
            "group": {"name": "Z_1", "shape": [pixels], "order": 1, "fingerprint": "0"}}


def npy_header(shape, dtype):
    buffer = io.BytesIO()
    descr = np.lib.format.dtype_to_descr(np.dtype(dtype))
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def small(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def zeros_archive(path, dtype, meta):
    """A deflated archive whose parameters are zeros of `dtype` (40 million float64 in 0.3 MB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as tmp_zip:  # in a pytest tmp folder
        tmp_zip.writestr("format.npy", small(np.array("minidisent-params")))
        tmp_zip.writestr("version.npy", small(np.array(1)))
        tmp_zip.writestr("meta.npy", small(np.array(json.dumps(meta))))
        n, L = meta["shape"][0], meta["latent_dim"]
        shapes = {"encoder": (n, L), "decoder": (L, n)}
        for key, shape in shapes.items():
            with tmp_zip.open(f"params/{key}.npy", "w", force_zip64=True) as f:
                f.write(npy_header(shape, dtype))
                left, chunk = int(np.prod(shape)) * np.dtype(dtype).itemsize, bytes(1 << 20)
                while left > 0:
                    f.write(chunk[:left])
                    left -= len(chunk)
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {"float64": zeros_archive(folder / "f8.npz", "<f8", meta(8000, 2500)),
            "float128": zeros_archive(folder / "f16.npz", np.longdouble, meta(2000, 1000))}


def test_a_small_deflated_file_cannot_allocate_320_mb(bombs):
    assert bombs["float64"].stat().st_size < 2 ** 20  # 0.3 MB on disk, 320 MB of zeros inside
    error, seconds, peak = measured(lambda: saving.load(bombs["float64"]))
    assert isinstance(error, ValueError) and str(error).startswith(str(bombs["float64"]))
    assert f"{saving.MAX_BYTES} bytes (256 MiB) of arrays, got 320000000 bytes" in str(error)
    assert seconds < 1 and peak < 2


def test_extended_precision_is_refused_before_inflating(bombs):
    error, seconds, peak = measured(lambda: saving.load(bombs["float128"]))
    assert isinstance(error, ValueError) and str(error).startswith(str(bombs["float128"]))
    assert "expected a float array of float16/float32/float64, got dtype float128" in str(error)
    assert "extended precision" in str(error)
    assert seconds < 1 and peak < 2


def test_the_byte_bound_is_the_one_save_keeps():
    # save refuses what load would refuse: a float128 parameter
    model, Z8 = models.linear(8, 8), groups.cyclic(8)
    params = {k: v.astype(np.longdouble) for k, v in model.init(np.random.default_rng(0)).items()}
    with pytest.raises(ValueError, match="float16/float32/float64, got dtype float128"):
        saving.save(os.devnull, params, saving.describe(model, operators.shift(Z8, 8)))


def central_directory(n, prefix):
    """n central-directory records of empty stored entries, no local data: what zipfile parses."""
    names = [f"{prefix}{i}.npy".encode() for i in range(n)]
    return b"".join(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0,
                                len(name), 0, 0, 0, 0, 0, 0) + name for name in names)


def zip64_bomb(path, n, prefix="params/p"):
    """An end record declaring 1 entry in 100 bytes, whose zip64 record declares the real n."""
    directory = central_directory(n, prefix)
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(directory), 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 100, 0, 0)
    path.write_bytes(directory + zip64 + locator + end)
    return path


def disk_bomb(path, n, prefix="params/p"):
    """An end record whose disk-number fields spell the end signature: the last signature in
    the file is 4 bytes inside the real record, where the counts read as small garbage."""
    directory = central_directory(n, prefix)
    end = struct.pack("<4s2s2sHHLLH", b"PK\x05\x06", b"PK", b"\x05\x06", n % 65536, n % 65536,
                      len(directory), 0, 0)
    path.write_bytes(directory + end)
    return path


@pytest.fixture(scope="module")
def directories(tmp_path_factory):
    folder = tmp_path_factory.mktemp("directories")
    return {"zip64": zip64_bomb(folder / "zip64.npz", 200_000),
            "disk": disk_bomb(folder / "disk.npz", 200_000)}


@pytest.mark.parametrize("kind", ["zip64", "disk"])
def test_the_real_end_record_bounds_the_directory_of_saving_load(kind, directories):
    path = directories[kind]
    assert zipfile.ZipFile(path).infolist()[-1].filename == "params/p199999.npy"  # parsed: all
    error, seconds, peak = measured(lambda: saving.load(path))
    assert isinstance(error, ValueError) and str(error).startswith(str(path))
    real = f"3392 entries in {path.stat().st_size - 22} bytes"  # 200000 mod 65536, the true size
    declared = "200000 entries" if kind == "zip64" else real
    assert f"a zip directory declaring {declared}" in str(error) and "(not parsed)" in str(error)
    assert seconds < 0.2 and peak < 1


@pytest.mark.parametrize("kind", ["zip64", "disk"])
def test_the_real_end_record_bounds_the_directory_of_digits_load(kind, directories):
    path = directories[kind]
    error, seconds, peak = measured(lambda: digits.load(path))
    assert isinstance(error, ValueError) and "a zip directory declaring" in str(error)
    assert seconds < 0.2 and peak < 1


def test_the_vendored_digits_are_checked_however_they_are_named(tmp_path, monkeypatch):
    X, y = digits.load()
    tampered = tmp_path / "digits.npz"
    labels = (y.astype(np.uint8) + np.eye(len(y), dtype=np.uint8)[0]) % 10  # one label changed
    np.savez(tampered, images=np.rint(X * 16).astype(np.uint8), labels=labels)
    monkeypatch.setattr(digits, "PATH", str(tampered))
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "link.npz"
    link.symlink_to(tampered)
    for name in (None, pathlib.Path(tampered), "digits.npz", "./digits.npz", link):
        with pytest.raises(ValueError, match="sha256"):
            digits.load(name)
    copy = tmp_path / "copy.npz"  # another file with the same bytes is any file: read, no hash
    shutil.copy(tampered, copy)
    assert digits.load(copy)[1][0] == labels[0]


# ---- character tables, whitening and best operators of large abelian groups --------------

@pytest.fixture(scope="module")
def Z4096():
    return groups.cyclic(4096)  # built once: its perms and table take a few seconds


def test_character_table_of_cyclic_4096_in_closed_form(Z4096):
    G = Z4096
    table, seconds, peak = measured(lambda: characters.character_table(G))
    assert seconds < 10  # idle: about 1 s; five eigh of 4096 x 4096 took more than 60 s
    assert peak < 700  # the table itself is 256 MiB
    chi = table.table
    assert chi.shape == (4096, 4096) and table.dims.tolist() == [1] * 4096
    # independent: row i is a character exp(2πi f_i g / n); rows 0, 1, n-1, 2, n-2, ...
    f = np.rint(np.angle(chi[:, 1]) / (2 * np.pi) * 4096).astype(int) % 4096
    assert f[:5].tolist() == [0, 1, 4095, 2, 4094] and sorted(f.tolist()) == list(range(4096))
    g = np.array([0, 1, 7, 2048, 4095])
    np.testing.assert_allclose(chi[:, g], np.exp(2j * np.pi * np.outer(f, g) / 4096), atol=1e-11)


@pytest.mark.parametrize("group", [groups.cyclic(1), groups.cyclic(7), groups.cyclic(16),
                                   groups.translations((2, 2)), groups.translations((4, 6)),
                                   groups.rotations(5), groups.translations((3, 3))], ids=str)
def test_closed_form_table_is_the_burnside_table(group, monkeypatch):
    closed = characters.character_table(group)
    monkeypatch.setattr(group, "factors", None)  # the general path: eigenvectors of class sums
    general = characters.character_table(group)
    assert closed.dims.tolist() == general.dims.tolist()
    assert closed.sizes.tolist() == general.sizes.tolist()
    assert all(np.array_equal(a, b) for a, b in zip(closed.classes, general.classes))
    np.testing.assert_allclose(closed.table, general.table, atol=1e-10)  # same rows, same order


def test_character_table_refuses_seed_none():
    with pytest.raises(TypeError, match=r"^seed: expected an integer >= 0 .* got NoneType None"):
        characters.character_table(groups.translations_rotations(3), seed=None)
    with pytest.raises(TypeError, match="^seed"):
        characters.character_table(groups.cyclic(8), seed=None)


def whitening_by_the_definition(group, X):
    """C_G = 1/|G| Σ_g rho(g) C rho(g)^T with explicit permutation matrices, then C_G^(-1/2)."""
    flat = X.reshape(len(X), -1)
    rho = representations.pixel_matrices(group)
    C_G = sum(r @ (flat.T @ flat / len(flat)) @ r.T for r in rho) / group.order
    values, vectors = np.linalg.eigh(C_G)
    return (vectors / np.sqrt(values)) @ vectors.T


@pytest.mark.parametrize("group", [groups.cyclic(16), groups.translations((4, 6)),
                                   groups.rotations(5), sampling.polar_rotations(3, 20, 10)],
                         ids=str)
def test_whitening_by_components_is_the_definition(group, monkeypatch):
    X = np.random.default_rng(0).normal(size=(40,) + group.shape)
    monkeypatch.setattr(closed_form, "DIRECT", 0)  # the FFT path even for these small groups
    W, W_inverse = closed_form.whitening(group, X)
    want = whitening_by_the_definition(group, X)
    np.testing.assert_allclose(W, want, atol=1e-10 * np.abs(want).max())
    np.testing.assert_allclose(W @ W_inverse, np.eye(group.n_pixels), atol=1e-10)
    monkeypatch.setattr(representations, "DIRECT", 0)
    projected = [representations.component_pca(U, X.reshape(40, -1))[0]
                 for U in representations.isotypic_bases(group)]
    np.testing.assert_allclose(np.concatenate(representations.spectrum(group, X)),
                               np.concatenate(projected), atol=1e-10)


def test_whitening_of_cyclic_4096_in_closed_form(Z4096):
    G = Z4096
    X = np.random.default_rng(1).normal(size=(64, 4096))
    (W, W_inverse), seconds, peak = measured(lambda: closed_form.whitening(G, X))
    assert seconds < 15 and peak < 700  # idle: about 1 s; W and W_inverse are 128 MiB each
    # independent: W is the circulant whose eigenvalues are the inverse square roots of the power
    # spectrum of X averaged over the batch (C_G of Z_n is the circulant of the autocorrelation)
    power = np.mean(np.abs(np.fft.fft(X, axis=1)) ** 2, axis=0) / 4096
    first_row = np.fft.ifft(power ** -0.5).real
    np.testing.assert_allclose(W[0], first_row, atol=1e-10 * np.abs(first_row).max())
    tolerance = 1e-10 * np.abs(first_row).max()
    np.testing.assert_allclose(W[1234], np.roll(first_row, 1234), atol=tolerance)
    np.testing.assert_allclose(W[::512] @ W_inverse, np.eye(4096)[::512], atol=1e-9)


def test_best_operator_memory_does_not_grow_with_latent_dim_squared():
    G, X = groups.cyclic(16), data.random_signals(16, 64, np.random.default_rng(0))
    best, seconds, peak = measured(lambda: allocation.best_operator(G, X, 5000))
    assert seconds < 2 and peak < 20  # |G|·L² float64 would be 3.2 GB
    assert best.dims == 16 and best.error < 1e-12
    small = allocation.best_operator(G, X, 16)
    Z, g = np.random.default_rng(1).normal(size=(4, 5000)), np.array([0, 1, 5, 15])
    moved = best.op(Z, g)
    np.testing.assert_allclose(moved[:, :16], small.op(Z[:, :16], g), atol=1e-12)
    assert np.array_equal(moved[:, 16:], Z[:, 16:])  # the unused dims are trivial
    assert np.array_equal(best.copies, small.copies)


def test_best_operator_of_cyclic_4096(Z4096):
    G = Z4096
    X = np.random.default_rng(2).normal(size=(32, 4096))
    best, seconds, peak = measured(lambda: allocation.best_operator(G, X, 16))
    assert seconds < 20 and peak < 800  # idle: about 3 s (the characters (|G|, |G|) are 256 MiB)
    assert best.dims == 16
    # independent: the 16 dims hold the real irreps of most energy (pairs f ~ -f hold two dims)
    power = np.sum(np.abs(np.fft.fft(X, axis=1)) ** 2, axis=0) / 4096
    kept = sum(power[f] for f in np.flatnonzero(best.copies))  # copies on f and -f alike
    singles = sorted([power[0], power[2048]], reverse=True)  # 1 dim each, the rest pairs of 2
    pairs = sorted(power[1:2048] + power[:2048:-1], reverse=True)
    optimum = max(sum(singles[:s]) + sum(pairs[:(16 - s) // 2]) for s in range(3))
    assert abs(kept - optimum) <= 1e-9 * power.sum()


# ---- smaller cases ----------------------------------------------------------------------

@pytest.mark.parametrize("direct", [closed_form.DIRECT, 0], ids=["sum over G", "by FFT"])
def test_whitening_with_floor_zero_on_rank_deficient_data_is_a_clear_error(direct, monkeypatch):
    monkeypatch.setattr(closed_form, "DIRECT", direct)
    X = np.tile(np.random.default_rng(0).normal(size=(3, 4)), 4)  # period 4: 12 frequencies empty
    with pytest.raises(ValueError, match=r"^floor: 0 leaves 12 of the 16 eigenvalues"):
        closed_form.whitening(groups.cyclic(16), X, floor=0)
    W, W_inverse = closed_form.whitening(groups.cyclic(16), X)  # the default floor lifts them
    assert np.all(np.isfinite(W)) and np.allclose(W @ W_inverse, np.eye(16), atol=1e-6)


@pytest.mark.parametrize("factor", [1e200, 1e-170, 1e300, 1e-300])
def test_whitening_is_scale_free(factor):
    G = groups.cyclic(16)
    X = np.random.default_rng(0).normal(size=(30, 16))
    W, W_inverse = closed_form.whitening(G, X)
    W_scaled, W_inverse_scaled = closed_form.whitening(G, X * factor)
    np.testing.assert_allclose(W_scaled * factor, W, rtol=1e-9)
    np.testing.assert_allclose(W_inverse_scaled / factor, W_inverse, rtol=1e-9)


def test_best_operator_zeros_and_extreme_scales():
    G = groups.cyclic(8)
    with pytest.raises(ValueError, match="^X: expected data with non-zero energy, got only zeros"):
        allocation.best_operator(G, np.zeros((4, 8)), 4)
    X = np.random.default_rng(0).normal(size=(30, 8))
    best = allocation.best_operator(G, X, 4)
    for factor in (1e200, 1e-170):
        scaled = allocation.best_operator(G, X * factor, 4)
        assert np.array_equal(scaled.copies, best.copies) and abs(scaled.error - best.error) < 1e-12
