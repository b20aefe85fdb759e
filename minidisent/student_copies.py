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

Refused, with a ValueError naming the notebook and the cell: an output folder inside the
chapters folder (paths resolved, so `chapters/../chapters` and symlinks count), a BEGIN
inside an open region (nested), an END with no BEGIN, and a region left open at the end of
its cell (unclosed).
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_HEADING = re.compile(r"^###\s+Exercise\s+(\d+\.\d+)", re.MULTILINE)


def _where(name, index, cell):
    return f"{name}, cell {index} (id {cell.get('id', '?')})"


def stub_source(source, number, where):
    """source (str) of one code cell -> the same with each solution region replaced by a
    NotImplementedError line; `where` names the notebook and cell in errors."""
    out, indent = [], None
    for line in source.split("\n"):
        marker = line.strip()
        if marker == BEGIN:
            if indent is not None:
                raise ValueError(f"{where}: nested '{BEGIN}' (the previous region is not closed)")
            indent = line[:len(line) - len(line.lstrip())]
        elif marker == END:
            if indent is None:
                raise ValueError(f"{where}: '{END}' without a '{BEGIN}' before it")
            out.append(f'{indent}raise NotImplementedError("Exercise {number}: write your solution here")')
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


def write_student_copies(out_dir, chapters=CHAPTERS):
    """Write a student copy of every chapters/*.ipynb into out_dir; returns the paths written."""
    chapters, out = Path(chapters).resolve(), Path(out_dir).resolve()
    if out == chapters or chapters in out.parents:
        raise ValueError(f"out_dir: expected a folder outside the chapters ({chapters}), got {out_dir}: "
                         "the chapters keep their solutions")
    notebooks = sorted(chapters.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"chapters: expected a folder of .ipynb notebooks, got {chapters} with none")
    copies = [(path.name, student_copy(nbformat.read(path, as_version=4), path.name)) for path in notebooks]
    out.mkdir(parents=True, exist_ok=True)  # only once every notebook has been stubbed
    written = []
    for name, nb in copies:
        nbformat.validate(nb)
        nbformat.write(nb, out / name)
        written.append(out / name)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent.exercises",
                                     description="Write student copies of the chapters (solutions stubbed).")
    parser.add_argument("out_dir", help="folder for the copies (not the chapters folder)")
    parser.add_argument("--chapters", default=str(CHAPTERS), help="folder of the chapter notebooks")
    args = parser.parse_args(argv)
    try:
        written = write_student_copies(args.out_dir, args.chapters)
    except ValueError as error:
        sys.exit(f"error: {error}")
    print(f"wrote {len(written)} student copies to {Path(args.out_dir).resolve()}")
