"""The README shows what the code produces: its results table is the one chapter 9 stored
(computed by results.results_markdown, as `python -m minidisent` prints it), and every
figure it shows exists; the README's commands are the ones .ci/run runs."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def table_rows(text):
    """The rows of the first markdown table whose header starts with '| model |'."""
    start = text.index("| model |")
    rows = []
    for line in text[start:].splitlines():
        if not line.startswith("|"):
            break
        rows.append(line.strip())
    return rows


def test_readme_results_table_is_the_one_chapter_9_computed():
    notebook = json.loads((ROOT / "chapters" / "09_results.ipynb").read_text())
    stored = [("".join(o["data"]["text/markdown"]))
              for cell in notebook["cells"] if cell["cell_type"] == "code"
              for o in cell.get("outputs", []) if "text/markdown" in o.get("data", {})]
    stored = [s for s in stored if "| model |" in s]
    assert len(stored) == 1
    readme = (ROOT / "README.md").read_text()
    assert table_rows(readme) == table_rows(stored[0])
    assert len(table_rows(readme)) == 12  # header, rule, 10 models


def test_readme_figures_exist_and_commands_match_ci():
    readme = (ROOT / "README.md").read_text()
    figures = re.findall(r"\]\((figures/[^)]+\.png)\)", readme)
    assert figures and all((ROOT / f).is_file() for f in figures)
    ci = (ROOT / ".ci" / "run").read_text()
    for command in ("pip install -r requirements.txt", "pytest"):
        assert command in readme and command in ci


def stored_output(chapter, code):
    """The text printed by the code cell of `chapter` whose source contains `code`."""
    notebook = json.loads((ROOT / "chapters" / chapter).read_text())
    cells = [c for c in notebook["cells"]
             if c["cell_type"] == "code" and code in "".join(c["source"])]
    assert len(cells) == 1
    return "".join("".join(o.get("text", "")) for o in cells[0]["outputs"])


def test_readme_digits_table_is_the_one_chapter_10_computed():
    table = stored_output("10_real_digits.ipynb", "print(digits.results_table(runs))").strip()
    assert table.startswith("group") and len(table.splitlines()) == 7  # header, 3 groups x 2 models
    assert table in (ROOT / "README.md").read_text()
