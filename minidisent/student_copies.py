"""Student copies of the chapters: the solutions of the exercises stubbed out.

    python -m minidisent.exercises OUT_DIR [--chapters DIR]

writes every DIR/*.ipynb (default: the repository's chapters/) to OUT_DIR with each region
between a line `### BEGIN SOLUTION` and a line `### END SOLUTION` (markers included)
replaced by one line `raise NotImplementedError("Exercise N.k: ...")`, indented like the
BEGIN line, N.k read from the `### Exercise N.k` heading above the cell.

Outputs: every stored output (and execution count) from the start of the exercises — the
`## Exercises` heading, or the first solution region if it comes earlier — to the end of
the notebook is cleared: solution cells print their answers, check cells their pass
lines, and a number or figure stored after an exercise may have been computed from its
solution. The lesson's outputs before that point are kept, not cleared: they cannot
depend on a solution that runs after them, and a student reading the copy (or its
rendering on a web page) should see the course's figures and numbers as the chapter
shows them. Everything else (cells, ids, metadata) is copied unchanged.

Refused, with a ValueError naming the notebook and the cell: a BEGIN inside an open region
(nested), an END with no BEGIN, a region left open at the end of its cell (unclosed), and a
line that looks like a marker but is not exactly one (`###  BEGIN SOLUTION`, `### begin
solution`, `#### END SOLUTION`...: its solution would otherwise reach the students).

Nothing of the chapters is ever written. Refused before anything is written, with a
ValueError: an output folder inside the chapters folder (paths resolved, so
`chapters/../chapters` and symlinks count) or that is the chapters folder by its inode (a
bind mount); a target that is the same file as any chapter (os.path.samefile: a hard-linked
copy made by `cp -al`, a symbolic link to a chapter); a chapter that is not a regular file
(a FIFO named *.ipynb is never opened for reading: it could block). A target that is a
symbolic link to anything else is replaced by the copy, not written through (what it
pointed at is left as it was). Every copy is computed and validated first, then all are
written to temporary files in OUT_DIR and replaced together (_writing.replace_together): an
interruption or an unwritable target leaves the old copies, never half old, half new.
"""
import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

from . import _files, _writing

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_HEADING = re.compile(r"^###\s+Exercise\s+(\d+\.\d+)", re.MULTILINE)
# Anything a reader would take for a marker: hashes, BEGIN/END, SOLUTION, in any case or spacing.
_LIKE_MARKER = re.compile(r"#+\s*(BEGIN|END)[\s_-]*SOLUTIONS?\b", re.IGNORECASE)


def _where(name, index, cell):
    return f"{name}, cell {index} (id {cell.get('id', '?')})"


def stub_source(source, number, where):
    """source (str) of one code cell -> the same with each solution region replaced by a
    NotImplementedError line; `where` names the notebook and cell in errors."""
    out, indent = [], None
    for number_of_line, line in enumerate(source.split("\n"), 1):
        marker = line.strip()
        if marker not in (BEGIN, END) and _LIKE_MARKER.match(marker):
            raise ValueError(f"{where}, line {number_of_line}: {marker!r} looks like a solution "
                             f"marker but is not one: expected exactly {BEGIN!r} or {END!r} alone "
                             "on its line")
        if marker == BEGIN:
            if indent is not None:
                raise ValueError(f"{where}: nested '{BEGIN}' (the previous region is not closed)")
            indent = line[:len(line) - len(line.lstrip())]
        elif marker == END:
            if indent is None:
                raise ValueError(f"{where}: '{END}' without a '{BEGIN}' before it")
            out.append(f'{indent}raise NotImplementedError('
                       f'"Exercise {number}: write your solution here")')
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise ValueError(f"{where}: unclosed '{BEGIN}' (no '{END}' before the end of the cell)")
    return "\n".join(out)


def student_copy(nb, name="notebook"):
    """nb (nbformat NotebookNode) -> a new notebook: regions stubbed, exercise outputs cleared."""
    nb = nbformat.from_dict(nb)  # a deep copy: the chapter itself is never touched
    number, clearing = "?", False
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        if cell.cell_type == "markdown":
            clearing = clearing or cell.source.lstrip().startswith("## Exercises")
            found = _HEADING.findall(cell.source)
            number = found[-1] if found else number
            continue
        if cell.cell_type != "code":
            continue
        stubbed = stub_source(cell.source, number, where)
        clearing = clearing or stubbed != cell.source
        cell.source = stubbed
        if clearing:
            cell.outputs, cell.execution_count = [], None
    return nb


def _identity(path):
    """(device, inode) of path, following links; None if nothing is there."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _check_out_dir(out, out_dir, chapters):
    """A ValueError if out (resolved) is the chapters folder or inside it, by path or by inode
    (a bind mount of chapters/, or a folder under one)."""
    folder = _identity(chapters)
    if out == chapters or chapters in out.parents or any(
            _identity(p) == folder for p in (out, *out.parents)):
        raise ValueError(f"out_dir: expected a folder outside the chapters ({chapters}), got "
                         f"{out_dir}: the chapters keep their solutions")


def _read(path):
    """The notebook at path (a regular file only: a FIFO would block), as nbformat 4."""
    with _files.regular_file(path) as f:
        return nbformat.reads(f.read().decode("utf-8"), as_version=4)


def write_student_copies(out_dir, chapters=CHAPTERS):
    """Write a student copy of every chapters/*.ipynb into out_dir; returns the paths written.
    Everything is checked and computed before anything is written; then the copies replace
    whatever was there together (see the module's docstring)."""
    chapters, out = Path(chapters).resolve(), Path(out_dir).resolve()
    _check_out_dir(out, out_dir, chapters)
    notebooks = sorted(chapters.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"chapters: expected a folder of .ipynb notebooks, got {chapters} with "
                         "none")
    sources = {}
    for path in notebooks:
        try:
            sources[path] = _read(path)
        except ValueError as error:  # not a regular file, not JSON, not a notebook
            raise ValueError(f"chapters: {path.name}: expected a notebook, got {error}") from None
    texts = {}
    for path, nb in sources.items():
        copy = student_copy(nb, path.name)
        nbformat.validate(copy)
        text = nbformat.writes(copy)
        texts[out / path.name] = text if text.endswith("\n") else text + "\n"
    originals = {_identity(path): path for path in notebooks}
    for target in texts:
        if _identity(target) in originals:
            raise ValueError(f"out_dir: {target} is the chapter {originals[_identity(target)]} "
                             "itself (a hard link or a symbolic link to it): the chapters keep "
                             "their solutions; nothing written")
    out.mkdir(parents=True, exist_ok=True)  # only once every notebook has been stubbed
    _check_out_dir(out, out_dir, chapters)  # the folder made may be a link made meanwhile
    return [Path(p) for p in _writing.replace_together(texts, "out_dir")]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent.exercises",
                                     description="Write student copies of the chapters "
                                                 "(solutions stubbed).")
    parser.add_argument("out_dir", help="folder for the copies (not the chapters folder)")
    parser.add_argument("--chapters", default=str(CHAPTERS), help="folder of the chapter notebooks")
    args = parser.parse_args(argv)
    _writing.exit_on_sigterm()  # SIGTERM ends in SystemExit: no temporary file is left
    try:
        written = write_student_copies(args.out_dir, args.chapters)
    except (ValueError, OSError) as error:
        sys.exit(f"error: {error}")
    print(f"wrote {len(written)} student copies to {Path(args.out_dir).resolve()}")
