"""The README shows what the code produces: its results table is the one chapter 9 stored
(computed by results.results_markdown, as `python -m minidisent` prints it), and every
figure it shows exists; the README's commands are the ones .ci/run runs."""
import inspect
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


# A claim is cited in prose as its name in backticks followed by the bound it tests:
# "`code_radius` ≤ 0.03", "`vae_no_plane` > 0.3", "`orbit_bound` in [1 - 1e-9, 1.1]".
CITATION = re.compile(r"`(\w+)`\s*(≤|<=|≥|>=|>|<|in \[)\s*"
                      r"([-+0-9.e]+(?:\s*-\s*[0-9.e+-]+)?(?:,\s*[0-9.e+-]+)?)")
SIGNS = {"≤": "<=", "<=": "<=", "≥": ">=", ">=": ">=", ">": ">", "<": "<"}


def markdown_texts():
    """(where, text): the README outside its generated sweep table, and every markdown cell
    of every chapter."""
    readme = (ROOT / "README.md").read_text()
    begin, end = "<!-- claims sweep: begin -->", "<!-- claims sweep: end -->"
    out = [("README.md", readme.split(begin)[0] + readme.split(end)[1])]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "markdown":
                out.append((f"{path.name} cell {i}", "".join(cell["source"])))
    return out


def citations():
    return [(where, m.group(1), m.group(2), m.group(3)) for where, text in markdown_texts()
            for m in CITATION.finditer(text)]


def normalised(sign, number):
    """A prose bound written as the Claim's bound text: ("≤", "0.03") -> "<= 0.03"."""
    number = number.rstrip(".")  # the end of a sentence
    if sign == "in [":
        return "in [" + number.replace(" ", "") + "]"
    return f"{SIGNS[sign]} {float(number):g}"


_EXPERIMENTS = {}


def current_bound(name, stored):
    """The bound text of claim `name`: from the stored sweep, or (a claim added since the
    last sweep) from running it at seed 0."""
    from minidisent import claims
    if name in stored:
        return stored[name][0]["bound"]
    function = claims.CLAIMS[name][0]
    if "experiment" in inspect.signature(function).parameters:  # the digits claims share one run
        if not _EXPERIMENTS:
            _EXPERIMENTS[0] = claims.digits_experiment(0)
        return function(0, experiment=_EXPERIMENTS[0]).bound
    return function(0).bound


def test_every_claim_cited_in_prose_is_in_the_sweep_and_quoted_with_its_bound():
    from minidisent import claims
    found = citations()
    assert len({name for _, name, _, _ in found}) >= 20  # the README and chapters cite their claims
    unknown = sorted({(where, name) for where, name, _, _ in found if name not in claims.CLAIMS})
    assert not unknown, unknown
    stored = json.loads((ROOT / "minidisent" / "claims_sweep.json").read_text())["claims"]
    wrong = []
    for where, name, sign, number in found:
        bound = current_bound(name, stored)
        if normalised(sign, number).replace(" ", "") != bound.replace(" ", ""):
            wrong.append((where, name, f"{sign} {number}", bound))
    assert not wrong, wrong


def test_every_claim_a_chapter_calls_is_in_the_sweep():
    from minidisent import claims
    called = set()
    for path in (ROOT / "chapters").glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\bclaims\.(\w+)\(", "".join(cell["source"])))
    unknown = called - claims.HELPERS - set(claims.CLAIMS)
    assert not unknown, sorted(unknown)


def test_citation_pattern_reads_each_form_of_bound():
    text = "`a_b` ≤ 0.03, `c` > 1e-2 and `d` in [1 - 1e-9, 1.1]; `e` is not cited, `f` <= 0.4."
    found = [(m.group(1), normalised(m.group(2), m.group(3))) for m in CITATION.finditer(text)]
    assert found == [("a_b", "<= 0.03"), ("c", "> 0.01"), ("d", "in [1-1e-9,1.1]"), ("f", "<= 0.4")]


def test_the_method_line_count_the_readme_gives_is_true():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = int(re.search(r"they are the method\*\* \((\d+) lines", text).group(1))
    files = ("groups.py", "operators.py", "models.py", "train.py")
    real = sum(len((ROOT / "minidisent" / f).read_text(encoding="utf-8").splitlines())
               for f in files)
    assert stated == real
