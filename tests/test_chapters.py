"""Every cell of every chapter, as a student's browser meets it: no control character in a
source (a JSON "\\f" where "\\\\f" was meant stores a form-feed and the formula fails to
render), every $…$ and $$…$$ closed, and every `module.function` a markdown cell names
exists in the package."""
import glob
import importlib
import json
import os
import pkgutil
import re

import pytest

import minidisent

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAPTERS = sorted(glob.glob(os.path.join(ROOT, "chapters", "*.ipynb")))
MODULES = {m.name for m in pkgutil.iter_modules(minidisent.__path__)}


def cells(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["cells"]


def control_characters(source):
    """[(offset, character)] of every control character other than a newline."""
    return [(i, repr(c)) for i, c in enumerate(source)
            if (ord(c) < 32 and c != "\n") or ord(c) == 127]


def without_code(markdown):
    """The markdown with fenced blocks and inline `code` removed (a $ there is not maths)."""
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    return re.sub(r"`[^`]*`", "", markdown)


def unbalanced_maths(markdown):
    """None if every $…$ and $$…$$ of the markdown closes with its own kind, else the offset
    of the delimiter that does not."""
    text = without_code(markdown).replace("\\$", "  ")
    opened = None
    for match in re.finditer(r"\$\$|\$", text):
        if opened is None:
            opened = match
        elif opened.group() == match.group():
            opened = None
        else:
            return match.start()
    return None if opened is None else opened.start()


def named_functions(markdown):
    """Dotted names `module.name...` that a markdown cell puts in backticks, for the
    package's own modules."""
    names = []
    for code in re.findall(r"`([^`]+)`", markdown):
        match = re.match(r"([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)", code)
        if match and match.group(1) in MODULES:
            names.append(match.group(1) + match.group(2))
    return names


def resolves(dotted):
    module, *attributes = dotted.split(".")
    value = importlib.import_module(f"minidisent.{module}")
    for name in attributes:
        if not hasattr(value, name):
            try:  # a submodule of a package (claims.common) is an attribute once imported
                value = importlib.import_module(f"{value.__name__}.{name}")
                continue
            except (ImportError, AttributeError):
                return False
        value = getattr(value, name)
    return True


def every_cell():
    return [pytest.param(path, i, id=f"{os.path.basename(path)}[{i}]")
            for path in CHAPTERS for i in range(len(cells(path)))]


def test_the_chapters_are_there():
    assert len(CHAPTERS) >= 11 and {"weak", "claims", "groups"} <= MODULES


@pytest.mark.parametrize("path, index", every_cell())
def test_cell_renders_and_names_what_exists(path, index):
    cell = cells(path)[index]
    source = "".join(cell["source"])
    bad = control_characters(source)
    near = source[max(0, bad[0][0] - 30):bad[0][0] + 30] if bad else ""
    assert not bad, f"control characters (offset, char) {bad}: {near!r}"
    if cell["cell_type"] == "markdown":
        at = unbalanced_maths(source)
        near = None if at is None else without_code(source)[max(0, at - 40):at + 40]
        assert at is None, f"unclosed $ or $$ at {at}: {near!r}"
        missing = [name for name in named_functions(source) if not resolves(name)]
        assert not missing, f"named in backticks but not in the package: {missing}"


def test_the_checks_catch_what_they_are_for():
    # independent of the chapters: each helper on a cell it must reject and one it must accept
    assert control_characters("$m = \frac{1}{2}$") == [(5, repr("\f"))]
    assert control_characters("$m = \\frac{1}{2}$\n") == []
    assert unbalanced_maths("a $x$ and $$y$$ and `$` in code") is None
    assert unbalanced_maths("a $x$$ b") is not None and unbalanced_maths("$x") == 0
    named = named_functions("`weak.weak_loss(model, op)` and `np.roll` and `G.act`")
    assert named == ["weak.weak_loss"]
    assert resolves("weak.weak_loss") and resolves("claims.common.below")
    assert not resolves("weak.no_such_function") and not resolves("claims.common.no_such")
