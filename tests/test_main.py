"""python -m minidisent at small size (--quick: a tenth of the training steps): it runs,
prints the results tables, and writes PNG figures."""
import os
import subprocess
import sys
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest

from minidisent import __main__ as main_job
from minidisent import _writing, results


def test_main_prints_the_table_and_writes_figures(tmp_path, capsys):
    main_job.main(["--quick", "--quiet", "--figures", str(tmp_path)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "| model | 1D shifts: generic | 1D shifts: symmetric |" in lines
    for label in list(results.ROW_LABELS.values()) + ["VAE, rotation plane fitted after",
                                                           "β-VAE, linear map per g fitted after"]:
        row = next(line for line in lines if line.startswith(f"| {label} |"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        assert len(cells) == 2 and all(np.isfinite(float(c)) for c in cells)
    assert sum(line.startswith("| 1D shifts | ") for line in lines) == 2  # VAE and β-VAE
    pngs = sorted(os.listdir(tmp_path))
    assert "predictions_symmetric.png" in pngs and "traversal_vae_1d_shifts.png" in pngs
    for name in pngs:
        with open(tmp_path / name, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"



# ---- figures: written as one set, byte-reproducible; arguments checked before any folder ----



def figure(title):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0.1, 0.2, 0.3]), ax.set_title(title)
    return fig


def test_a_negative_seed_is_an_argparse_error_before_any_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main_job.main(["--seed", "-1", "--figures", str(tmp_path / "new")])
    assert info.value.code == 2
    assert "--seed: expected a seed from 0 to 2**32 - 1, got -1" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_quick_writes_no_figures_unless_a_folder_is_given(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main_job.main(["--quick", "--quiet"])
    assert os.listdir(tmp_path) == [] and "no figures written" in capsys.readouterr().out


def test_the_same_figure_gives_the_same_bytes_without_a_software_chunk(tmp_path):
    first = main_job.write_figures({"a.png": figure("x")}, tmp_path)[0]
    data = open(first, "rb").read()
    main_job.write_figures({"a.png": figure("x")}, tmp_path)
    assert open(first, "rb").read() == data and b"Software" not in data and b"atplotlib" not in data


def test_shown_rounds_to_four_significant_digits():
    values = np.array([[1.234567e-12, 0.9999999], [123456.0, -2.5e-3]])
    expected = [[1.235e-12, 1.0], [123500.0, -2.5e-3]]
    assert main_job.shown(values).tolist() == expected and main_job.shown(values).shape == (2, 2)


def test_figures_are_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    names = ["a.png", "b.png", "c.png"]
    already_open = set(plt.get_fignums())  # figures other test files left open
    main_job.write_figures({n: figure("old") for n in names}, tmp_path)
    before = {n: (tmp_path / n).read_bytes() for n in names}
    real, calls = _writing._write_whole, []

    def fails_at_the_third(handle, content, mode):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(handle, content, mode)
    monkeypatch.setattr(_writing, "_write_whole", fails_at_the_third)
    with pytest.raises(OSError, match="No space"):
        main_job.write_figures({n: figure("new") for n in names}, tmp_path)
    assert sorted(os.listdir(tmp_path)) == names
    assert all((tmp_path / n).read_bytes() == before[n] for n in names)
    assert set(plt.get_fignums()) <= already_open  # closed on failure too


def test_sigterm_while_writing_figures_leaves_one_whole_set_and_no_temporary(tmp_path):
    """A short interrupted-write loop (4 trials, about 2 s each): old set or new, never a mix."""
    code = ("import sys, matplotlib.pyplot as plt\n"
            "from minidisent import __main__ as job, _writing\n"
            "_writing.exit_on_sigterm(); print('ready', flush=True); i = 0\nwhile True:\n"
            "    figs = {}\n    for n in ('a.png', 'b.png', 'c.png'):\n"
            "        fig, ax = plt.subplots(figsize=(3, 2))\n"
            "        ax.set_title(f'{n} {i % 2}'); figs[n] = fig\n"
            f"    job.write_figures(figs, {str(tmp_path)!r}); i += 1")
    versions = {}
    for version in (0, 1):
        figs = {}
        for n in ("a.png", "b.png", "c.png"):
            fig, ax = plt.subplots(figsize=(3, 2))
            ax.set_title(f"{n} {version}")
            figs[n] = fig
        os.makedirs(tmp_path / str(version))
        main_job.write_figures(figs, tmp_path / str(version))
        versions[version] = {n: (tmp_path / str(version) / n).read_bytes() for n in figs}
    for delay in (0.05, 0.2, 0.4, 0.7):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        time.sleep(delay)
        child.terminate()
        assert child.wait(timeout=30) == 143
        files = sorted(n for n in os.listdir(tmp_path) if not n.isdigit())
        assert files in ([], ["a.png", "b.png", "c.png"])
        if files:
            found = {n: (tmp_path / n).read_bytes() for n in files}
            assert found in (versions[0], versions[1])
