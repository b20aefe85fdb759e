"""The sweep's command line and its --write (minidisent/claims/sweep.py): everything checked
before anything is computed, the README and the JSON built whole and replaced together, a
truncated or foreign JSON refused by claims.stored() with the file's name."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from minidisent import _writing, claims
from minidisent.claims import record, sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def pair(tmp_path):
    """A copy of the README and of the stored sweep, and what the sweep stored."""
    shutil.copy(os.path.join(ROOT, "README.md"), tmp_path / "README.md")
    shutil.copy(record.STORED, tmp_path / "sweep.json")
    return tmp_path / "README.md", tmp_path / "sweep.json", claims.stored()


def consistent(readme, stored):
    seeds, measured = claims.stored(stored)
    section = readme.read_text().split(sweep.BEGIN)[1].split(sweep.END)[0].strip()
    return section == sweep.report(measured, seeds)


def test_write_stores_the_pair_and_reads_back(pair):
    readme, stored, (seeds, measured) = pair
    changed = {n: [c._replace(value=c.value * 2) for c in cs] for n, cs in measured.items()}
    sweep.write(changed, seeds, readme=readme, stored=stored)
    assert claims.stored(stored) == (seeds, changed) and consistent(readme, stored)
    text = readme.read_text()
    original = open(os.path.join(ROOT, "README.md")).read()
    assert text.split(sweep.BEGIN)[0] == original.split(sweep.BEGIN)[0]
    assert sorted(os.listdir(readme.parent)) == ["README.md", "sweep.json"]


@pytest.mark.parametrize("text", ["no markers", f"{sweep.END}\n{sweep.BEGIN}",
                                  f"{sweep.BEGIN} {sweep.BEGIN} {sweep.END}",
                                  f"only {sweep.BEGIN}"])
def test_a_readme_without_both_markers_in_order_is_left_untouched(pair, text):
    readme, stored, (seeds, measured) = pair
    readme.write_text(text)
    json_before = stored.read_bytes()
    with pytest.raises(ValueError, match="readme: expected the markers"):
        sweep.write(measured, seeds, readme=readme, stored=stored)
    assert readme.read_text() == text and stored.read_bytes() == json_before


def test_a_failure_while_writing_leaves_the_old_pair(pair, monkeypatch):
    readme, stored, (seeds, measured) = pair
    before = (readme.read_bytes(), stored.read_bytes())
    real = _writing._write_whole
    calls = []

    def full_at_the_readme(handle, content, mode):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(handle, content, mode)
    monkeypatch.setattr(_writing, "_write_whole", full_at_the_readme)
    changed = {n: [c._replace(value=c.value + 1) for c in cs] for n, cs in measured.items()}
    with pytest.raises(OSError, match="No space"):
        sweep.write(changed, seeds, readme=readme, stored=stored)
    assert (readme.read_bytes(), stored.read_bytes()) == before
    assert sorted(os.listdir(readme.parent)) == ["README.md", "sweep.json"]


@pytest.mark.parametrize("content, why", [
    (b"", "not JSON"), (b'{"seeds": [0, 1], "claims": {"x": [', "not JSON"),
    (b"\xff\xfe", "not JSON"), (b"[1, 2]", "keys list"),
    (b'{"seeds": [-1], "claims": {}}', "seeds"),
    (b'{"seeds": [0], "claims": {"x": [{"name": "x"}]}}', "claim 'x'"),
    (b'{"seeds": [0, 1], "claims": {"x": [{"name": "x", "value": 1, "bound": "< 2", '
     b'"holds": true}]}}', "one Claim"),
])
def test_stored_names_the_file_of_a_truncated_or_foreign_sweep(tmp_path, content, why):
    path = tmp_path / "claims_sweep.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"{path}: expected the stored claims sweep.*{why}"):
        claims.stored(path)


def test_stored_refuses_a_missing_file_and_a_fifo_without_blocking(tmp_path):
    with pytest.raises(ValueError, match="missing.json.*FileNotFoundError"):
        claims.stored(tmp_path / "missing.json")
    os.mkfifo(tmp_path / "pipe.json")
    start = time.perf_counter()
    with pytest.raises(ValueError, match="FIFO"):
        claims.stored(tmp_path / "pipe.json")
    assert time.perf_counter() - start < 2


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "minidisent.claims", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("args, message", [
    (["--seeds", "-1"], "argument --seeds: expected seeds from 0 to 2**32 - 1, got -1"),
    (["--seeds", "x"], "argument --seeds: expected integer seeds"),
    (["--seeds", "1,2,x"], "expected integer seeds"),
    (["--seeds", "3", "3"], "expected different seeds"),
    (["--write", "--seeds", "0"], "--write stores the sweep at seeds 0 1 2 3 4"),
    (["--write", "--seeds", "0,1,2,3"], "--write stores the sweep at seeds 0 1 2 3 4"),
    (["--write", "--only", "orbit_bound"], "--write stores the whole sweep"),
    (["--write", "--quick"], "--write stores the whole sweep"),
    (["--json", "/nonexistent/folder/out.json"], "--json: no folder"),
])
def test_bad_command_lines_are_argparse_errors_before_any_claim_runs(args, message):
    done = cli(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert " seed " not in done.stderr  # no claim ran (progress lines read "name seed N: ...")


def test_seeds_may_be_comma_or_space_separated():
    parse = lambda words: [s for w in words for s in sweep.seeds_argument(w)]  # noqa: E731
    assert parse(["11,12,13"]) == parse(["11", "12", "13"]) == parse(["11,12", "13"])
    assert parse(["11,12,13"]) == [11, 12, 13]
    done = cli("--help")
    assert "space- or comma-separated" in done.stdout


def test_an_existing_json_target_folder_is_refused_before_the_sweep(tmp_path):
    os.mkdir(tmp_path / "out.json")
    done = cli("--json", str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert "--json: expected a file name to write, got a folder" in done.stderr


def test_a_cheap_claim_through_the_command_line_writes_its_json(tmp_path):
    done = cli("--only", "orbit_bound", "--seeds", "0", "--json", str(tmp_path / "out.json"))
    assert done.returncode == 0, done.stderr
    saved = json.loads((tmp_path / "out.json").read_text())
    assert list(saved) == ["orbit_bound"] and len(saved["orbit_bound"]) == 1
    assert os.listdir(tmp_path) == ["out.json"]


def test_sigint_and_sigterm_during_write_leave_a_consistent_pair(pair):
    """A short interrupted-write loop (3 trials of each signal, about 1 s each)."""
    readme, stored, _ = pair
    # SIGINT as in a shell (a background job would start with SIGINT ignored)
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from minidisent import claims; from minidisent.claims import sweep\n"
            "seeds, a = claims.stored()\n"
            "b = {n: [c._replace(value=c.value + 1) for c in cs] for n, cs in a.items()}\n"
            "print('ready', flush=True)\ni = 0\nwhile True:\n"
            f"    sweep.write(a if i % 2 else b, seeds, readme={str(readme)!r}, "
            f"stored={str(stored)!r}); i += 1")
    for signal_name, delay in [("SIGINT", 0.1), ("SIGINT", 0.3), ("SIGINT", 0.5),
                               ("SIGTERM", 0.1), ("SIGTERM", 0.3), ("SIGTERM", 0.5)]:
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        time.sleep(delay)
        child.send_signal(getattr(signal, signal_name))
        child.wait(timeout=60)
        assert consistent(readme, stored)
        assert sorted(os.listdir(readme.parent)) == ["README.md", "sweep.json"]


def test_a_missing_readme_is_refused_before_the_json_is_touched(pair, monkeypatch):
    readme, stored, (seeds, measured) = pair
    readme.unlink()
    before = stored.read_bytes()
    with pytest.raises(ValueError, match="readme: expected the README.md.*No such file"):
        sweep.write(measured, seeds, readme=readme, stored=stored)
    assert stored.read_bytes() == before
    monkeypatch.setattr(sweep, "README", str(readme))  # the command line checks it before training
    monkeypatch.setattr(sweep, "STORED", str(stored))

    def no_training(*args, **kwargs):
        raise AssertionError("the sweep started before its targets were checked")
    monkeypatch.setattr(sweep, "sweep", no_training)
    started = time.perf_counter()
    with pytest.raises(SystemExit):
        sweep.main(["--write"])
    assert time.perf_counter() - started < 1 and stored.read_bytes() == before
