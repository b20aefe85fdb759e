"""Student copies never reach the chapters (by path, inode, link or bind mount), never copy a
solution behind a near-miss marker, never block on a FIFO, and replace the set of copies
together: a failure part-way leaves the old copies and no temporary file."""
import os
import subprocess
import sys
import time

import nbformat
import pytest

from minidisent import _writing, student_copies

SOLUTION = "def answer(x):\n    ### BEGIN SOLUTION\n    return x * 42\n    ### END SOLUTION"


def chapter(source=SOLUTION, title="a lesson"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}", id="title"),
                nbformat.v4.new_markdown_cell("## Exercises\n### Exercise 1.1 — x", id="prompt"),
                nbformat.v4.new_code_cell(source, id="solution")]
    return nb


def chapters(folder, count=3, title="a lesson"):
    folder.mkdir()
    for i in range(count):
        nbformat.write(chapter(title=title), folder / f"0{i}_x.ipynb")
    return folder


def state(folder):
    """{name: bytes} of everything in folder (hidden temporaries included)."""
    return {n: (folder / n).read_bytes() for n in sorted(os.listdir(folder))}


def solutions(folder):
    return sum((folder / n).read_text().count("BEGIN SOLUTION") for n in os.listdir(folder))


def test_a_hard_linked_copy_of_the_chapters_is_refused_before_writing(tmp_path):
    source = chapters(tmp_path / "chapters")
    subprocess.run(["cp", "-al", str(source), str(tmp_path / "students")], check=True)
    before = state(source)
    with pytest.raises(ValueError, match=r"01_x\.ipynb is the chapter .*01_x\.ipynb itself|00_x"):
        student_copies.write_student_copies(tmp_path / "students", source)
    assert state(source) == before and solutions(source) == 3


def test_a_folder_of_symlinks_to_the_chapters_is_refused(tmp_path):
    source = chapters(tmp_path / "chapters")
    links = tmp_path / "links"
    links.mkdir()
    for name in os.listdir(source):
        (links / name).symlink_to(source / name)
    before = state(source)
    with pytest.raises(ValueError, match="itself"):
        student_copies.write_student_copies(links, source)
    assert state(source) == before and all((links / n).is_symlink() for n in os.listdir(links))
    one = tmp_path / "one"  # one link among new files: still nothing written
    one.mkdir()
    (one / "02_x.ipynb").symlink_to(source / "00_x.ipynb")
    with pytest.raises(ValueError, match="itself"):
        student_copies.write_student_copies(one, source)
    assert os.listdir(one) == ["02_x.ipynb"] and state(source) == before


def test_a_bind_mount_is_the_chapters_by_inode(tmp_path, monkeypatch):
    """A bind mount shows the chapters' folder (same device and inode) under another path:
    simulated by reporting the chapters' identity for the output folder."""
    source = chapters(tmp_path / "chapters")
    mount = tmp_path / "mount"
    mount.mkdir()
    real = student_copies._identity
    monkeypatch.setattr(student_copies, "_identity",
                        lambda p: real(source) if os.path.abspath(p) == str(mount) else real(p))
    with pytest.raises(ValueError, match="outside the chapters"):
        student_copies.write_student_copies(mount, source)
    with pytest.raises(ValueError, match="outside the chapters"):  # a new folder under the mount
        student_copies.write_student_copies(mount / "students", source)
    assert not os.listdir(mount)


def test_a_symlink_to_another_file_is_replaced_not_written_through(tmp_path):
    source = chapters(tmp_path / "chapters")
    mine = tmp_path / "mine.ipynb"
    mine.write_text("the instructor's own notes")
    out = tmp_path / "out"
    out.mkdir()
    (out / "00_x.ipynb").symlink_to(mine)
    student_copies.write_student_copies(out, source)
    assert mine.read_text() == "the instructor's own notes"
    assert not (out / "00_x.ipynb").is_symlink() and solutions(out) == 0


@pytest.mark.parametrize("marker", [
    "###  BEGIN SOLUTION", "### begin solution", "#### BEGIN SOLUTION", "###BEGIN SOLUTION",
    "# BEGIN SOLUTION", "### BEGIN SOLUTION here", "### End Solution", "#### END SOLUTION",
    "### END_SOLUTION"])
def test_a_near_miss_marker_is_refused_naming_notebook_cell_and_line(marker):
    source = f"def answer(x):\n    {marker}\n    return x * 42"
    where = r"05_y\.ipynb, cell 2 \(id solution\), line 2: .*looks like"
    with pytest.raises(ValueError, match=where):
        student_copies.student_copy(chapter(source), "05_y.ipynb")


def test_a_fifo_named_ipynb_is_refused_without_blocking(tmp_path):
    source = chapters(tmp_path / "chapters")
    os.mkfifo(source / "09_pipe.ipynb")
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"09_pipe\.ipynb.*FIFO"):
        student_copies.write_student_copies(tmp_path / "out", source)
    assert time.perf_counter() - start < 5 and not (tmp_path / "out").exists()


def test_one_unwritable_target_leaves_every_old_copy(tmp_path, monkeypatch):
    old = chapters(tmp_path / "old", title="old lesson")
    new = chapters(tmp_path / "new", title="new lesson")
    out = tmp_path / "out"
    student_copies.write_student_copies(out, old)
    before = state(out)
    os.chmod(out / "01_x.ipynb", 0o444)  # protected: refused before anything is written
    with pytest.raises(PermissionError, match="read-only"):
        student_copies.write_student_copies(out, new)
    assert state(out) == before
    os.chmod(out / "01_x.ipynb", 0o644)
    (out / "02_x.ipynb").unlink()
    (out / "02_x.ipynb").mkdir()  # a folder where a copy goes
    with pytest.raises(IsADirectoryError):
        student_copies.write_student_copies(out, new)
    (out / "02_x.ipynb").rmdir()
    before = state(out)
    written = []
    real = _writing._write_whole

    def disk_full_at_the_second(handle, content, mode):
        if written:
            raise OSError(28, "No space left on device")
        written.append(1)
        real(handle, content, mode)
    monkeypatch.setattr(_writing, "_write_whole", disk_full_at_the_second)
    with pytest.raises(OSError, match="No space"):
        student_copies.write_student_copies(out, new)
    assert state(out) == before  # old copies, no temporary file
    # where O_TMPFILE is missing
    monkeypatch.setattr(_writing, "_unnamed_file", lambda folder: None)
    written.clear()
    with pytest.raises(OSError, match="No space"):
        student_copies.write_student_copies(out, new)
    assert state(out) == before
    monkeypatch.setattr(_writing, "_write_whole", real)
    student_copies.write_student_copies(out, new)
    assert len(os.listdir(out)) == 3
    assert all("new lesson" in (out / n).read_text() for n in os.listdir(out))


def test_sigterm_while_copying_leaves_old_or_new_copies_and_no_temporary(tmp_path):
    """A short interrupted-write loop (5 trials, about 1 s each)."""
    old = chapters(tmp_path / "old", 11, "old lesson")
    new = chapters(tmp_path / "new", 11, "new lesson")
    out = tmp_path / "out"
    student_copies.write_student_copies(out, old)
    code = ("import sys; from minidisent import _writing, student_copies; "
            "_writing.exit_on_sigterm(); "
            "print('ready', flush=True)\nwhile True:\n"
            f"    student_copies.write_student_copies({str(out)!r}, {str(new)!r})\n"
            f"    student_copies.write_student_copies({str(out)!r}, {str(old)!r})")
    for delay in (0.0, 0.05, 0.1, 0.2, 0.3):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        time.sleep(delay)
        child.terminate()
        assert child.wait(timeout=30) == 143
        texts = [(out / n).read_text() for n in sorted(os.listdir(out))]
        assert len(texts) == 11 and all(nbformat.reads(t, as_version=4) for t in texts)
        assert len({"new lesson" in t for t in texts}) == 1  # one version for the whole set


def test_the_command_line_reports_a_refusal_without_a_traceback(tmp_path):
    source = chapters(tmp_path / "chapters")
    subprocess.run(["cp", "-al", str(source), str(tmp_path / "students")], check=True)
    done = subprocess.run([sys.executable, "-m", "minidisent.exercises", str(tmp_path / "students"),
                           "--chapters", str(source)], capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.startswith("error: out_dir:")
    assert "Traceback" not in done.stderr
