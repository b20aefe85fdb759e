"""Style the suite enforces without a new dependency: every tracked .py file of minidisent/ and
tests/ has lines of at most 100 characters and no tab; the package's imports form layers with
no edge running back up (python -m pytest -q tests/test_style.py; -s prints the layers)."""
import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 100

# Files of other branches still holding longer lines, to be wrapped when they are merged. The
# test below fails once a file here has none (delete it from the set then): it only shrinks.
PENDING = set()


def tracked():
    """The .py files of minidisent/ and tests/ that git tracks (all of them outside a clone)."""
    try:
        listed = subprocess.run(["git", "ls-files", "minidisent", "tests"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(ROOT)) for d in ("minidisent", "tests")
                  for p in (ROOT / d).rglob("*.py")]
    return sorted(f for f in listed if f.endswith(".py") and (ROOT / f).exists())


def offending(path):
    """[(line number, why)] of the lines of path over LIMIT characters or holding a tab."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return [(i, f"{len(line)} characters" if len(line) > LIMIT else "a tab")
            for i, line in enumerate(lines, 1) if len(line) > LIMIT or "\t" in line]


def test_lines_are_at_most_100_characters_without_tabs():
    files = tracked()
    assert "minidisent/groups.py" in files and "tests/test_groups.py" in files
    bad = {f: offending(f) for f in files if f not in PENDING}
    bad = [f"{f}:{i}: {why}" for f, lines in bad.items() for i, why in lines]
    assert not bad, f"lines over {LIMIT} characters or with a tab:\n" + "\n".join(bad)


def test_pending_files_still_have_long_lines():
    done = sorted(f for f in PENDING if f not in tracked() or not offending(f))
    assert not done, f"wrapped or gone, delete from PENDING: {done}"


# Each module imports only from its own layer (without a cycle) or from the layers before it.
LAYERS = [
    ("helpers", {"_checks", "_chunks", "_files", "_player", "_writing", "group_tables", "plots",
                 "student_copies", "exercises.common"}),
    ("method", {"groups", "operators", "models", "train"}),
    ("speed", {"fast", "fast_adam"}),
    ("ideas", {"characters", "representations", "fourier", "closed_form", "shapes", "data",
               "metrics", "defect", "identifiability", "posthoc", "vae", "allocation", "learned",
               "saving", "sampling", "so2", "angle_operators", "angle_defect"}),
    ("recipes", {"recipes"}),
    # issue 25: weak, digits to move down; sequences trains on digits, sequence_reading reads it
    ("ideas using recipes", {"weak", "digits", "poses", "sequences", "sequence_reading"}),
    ("results", {"results"}),
    ("animations", {"animations"}),  # players of what the ideas compute (sequences, so2, ...)
    ("commands", {"", "__main__", "bench", "site", "claims", "claims.*",
                  "exercises", "exercises.*"}),
]


def module_name(path):
    """minidisent/claims/common.py -> 'claims.common'; the package itself is ''."""
    parts = list(path.relative_to(ROOT / "minidisent").with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports():
    """{module: set of the package's modules it imports}, from the source (ast), anywhere in it."""
    files = {module_name(p): p for p in (ROOT / "minidisent").rglob("*.py")}
    found = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        out = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - node.level + 1] + ([node.module] if node.module else [])
                target = ".".join(base)
                for alias in node.names:
                    sub = f"{target}.{alias.name}" if target else alias.name
                    out.add(sub if sub in files else target)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node,
                                                                   ast.Import) else [node.module]
                out |= {n.partition(".")[2] for n in names if n and n.split(".")[0] == "minidisent"}
        found[name] = out - {name}
    return found


def layer_of(name):
    for i, (_, members) in enumerate(LAYERS):
        if name in members or any(m.endswith(".*") and name.startswith(m[:-1]) for m in members):
            return i
    return None


def test_imports_form_layers_with_no_edge_back_up():
    graph = imports()
    unplaced = sorted(m for m in graph if layer_of(m) is None)
    assert not unplaced, f"modules in no layer of tests/test_style.py LAYERS: {unplaced}"
    up = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
          for m, targets in graph.items() for t in targets if layer_of(t) > layer_of(m)]
    assert not up, "imports running back up:\n" + "\n".join(sorted(up))
    order, visiting = [], set()  # within a layer: no cycle (depth-first search)

    def visit(m, path):
        if m in order:
            return
        assert m not in visiting, f"import cycle: {' -> '.join(path + [m])}"
        visiting.add(m)
        for t in sorted(graph[m]):
            visit(t, path + [m])
        order.append(m)

    for m in sorted(graph):
        visit(m, [])
    for i, (title, _) in enumerate(LAYERS):
        print(f"{i} {title}: "
              f"{' '.join(sorted(m or 'minidisent' for m in graph if layer_of(m) == i))}")


@pytest.mark.parametrize("module", ["groups", "operators", "models", "train"])
def test_the_method_imports_only_the_method_and_helpers(module):
    allowed = LAYERS[0][1] | LAYERS[1][1]
    assert imports()[module] <= allowed


# Private names of other branches still crossing a module, to be renamed when merged (shrinks).
PRIVATE_PENDING = set()


def private_uses():
    """{(module, 'other._name')}: a private name of another package module, used or imported."""
    found = set()
    for path in (ROOT / "minidisent").rglob("*.py"):
        name, tree = module_name(path), ast.parse(path.read_text(encoding="utf-8"))
        modules = set()  # names bound to package modules by `from . import x`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                for alias in node.names:
                    if alias.name.startswith("_") and node.module:
                        found.add((name, f"{node.module}.{alias.name}"))
                    if node.module is None:
                        modules.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                found.add((name, f"{node.value.id}.{node.attr}"))
    return found


def test_no_private_name_crosses_a_module():
    uses = private_uses()
    assert not uses - PRIVATE_PENDING, sorted(uses - PRIVATE_PENDING)
    done = PRIVATE_PENDING - uses
    assert not done, f"renamed, delete from PRIVATE_PENDING: {done}"
