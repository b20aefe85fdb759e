"""The exercise checkers (right answers pass, typical wrong ones get a hint that does not
give the answer away) and the student copies (stubbed, valid, refused where they must be,
and a copy of chapter 1 runs every lesson cell and fails only in its exercises)."""
import copy
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from minidisent import exercises, groups, operators, student_copies

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


# ---- right answers (the solutions of the chapters) and one typical wrong answer each -------

def orbit_and_stabilizer(G, x):
    images = x.ravel()[G.perms]
    return len(np.unique(images, axis=0)), np.flatnonzero(np.all(images == x.ravel(), axis=1))


def fourier_floor(X, keep):
    power = np.abs(np.fft.fft(X, axis=1)) ** 2
    return 1 - power[:, keep].sum() / power.sum()


def characters(n):
    return np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)


def rotation_multiplicities(n, scale=4):
    index = np.arange(n * n).reshape(n, n)
    character = np.array([np.sum(np.rot90(index, k) == index) for k in range(4)])
    return character, np.round((characters(4).conj() @ character).real / scale).astype(int)


def operator_multiplicities(M, scale=None):
    traces = np.trace(M, axis1=1, axis2=2)
    return np.round((characters(len(M)).conj() @ traces).real / (scale or len(M))).astype(int)


def roll_shift(Z, g, n, sign=1):
    blocks = Z.reshape(len(Z), n, -1)
    return np.stack([np.roll(b, sign * m, axis=0) for b, m in zip(blocks, g)]).reshape(Z.shape)


def fixed_dimensions(n, d, minus_identity=True):
    op = operators.shift(groups.cyclic(n), n * d)
    return np.array([n * d - np.linalg.matrix_rank(op.matrix(h) - minus_identity * np.eye(n * d))
                     for h in range(n)])


def mlp_parameters(n, hidden, latent, biases=True):
    widths = (n,) + tuple(hidden) + (latent,)
    weights = 2 * sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return weights + biases * (sum(widths[1:]) + sum(widths[:-1]))


def regular_representation(table, left=True):
    order = len(table)
    M = np.zeros((order, order, order))
    for g in range(order):
        M[g, table[g] if left else table[:, g], np.arange(order)] = 1.0
    return M


def stabilizer_sizes(X1):
    return np.array([sum(np.array_equal(np.roll(x, m), x) for m in range(X1.shape[1])) for x in X1])


def predicted_errors(X, disentangled=(0, 1, -1)):
    return {"no operator": fourier_floor(X, [0]), "disentangled": fourier_floor(X, list(disentangled)),
            "shift": 0.0}


def gaussian_kl(mean, log_variance, half=0.5):
    return half * np.sum(mean ** 2 + np.exp(log_variance) - log_variance - 1, axis=1)


RIGHT_AND_WRONG = {  # checker: (right answer, typical wrong answer, what the wrong answer does)
    "1.1": (orbit_and_stabilizer, lambda G, x: (G.order, orbit_and_stabilizer(G, x)[1]),
            "orbit size = |G| (counts elements, not distinct images)"),
    "1.2": (lambda t: np.argmax(t == 0, axis=1), lambda t: (-np.arange(len(t))) % len(t),
            "inverse of g is -g mod |G| (true for Z_n only)"),
    "1.3": (lambda n, p, rng: np.tile(rng.normal(size=p), n // p),
            lambda n, p, rng: np.tile(rng.normal(size=max(1, p // 2)), n // max(1, p // 2)),
            "tiles p/2 values (period too small)"),
    "2.1": (lambda X: fourier_floor(X, [0, 1, -1]), lambda X: fourier_floor(X, [0]),
            "energy outside DC only (forgets frequency ±1)"),
    "2.2": (lambda n, k: np.array([h for h in range(n) if k * h % n == 0]), lambda n, k: np.array([0]),
            "only the identity"),
    "3.1": (lambda x: fourier_floor(x[None], [0]), lambda x: np.sum(np.abs(np.fft.fft(x)[1:]) ** 2),
            "energy outside DC, not divided by the total"),
    "3.2": (lambda x, v, eps: next((h, 360 * h / 16, np.linalg.norm(x + eps * v - np.roll(x + eps * v, h)))
                                   for h in range(1, 16) if np.array_equal(np.roll(x, h), x)),
            lambda x, v, eps: next((h, 2 * np.pi * h / 16, np.linalg.norm(x + eps * v - np.roll(x + eps * v, h)))
                                   for h in range(1, 16) if np.array_equal(np.roll(x, h), x)),
            "angle in radians"),
    "4.1": (rotation_multiplicities, lambda n: rotation_multiplicities(n, scale=1),
            "forgets the 1/|G|"),
    "4.2": (lambda n, p: np.flatnonzero(np.arange(n) % (n // p) == 0),
            lambda n, p: np.flatnonzero(np.arange(n) % p == 0), "multiples of p instead of n/p"),
    "4.3": (operator_multiplicities, lambda M: operator_multiplicities(M, scale=1), "forgets the 1/|G|"),
    "5.1": (roll_shift, lambda Z, g, n: roll_shift(Z, g, n, sign=-1), "rolls by -g"),
    "5.2": (fixed_dimensions, lambda n, d: fixed_dimensions(n, d, minus_identity=False),
            "rank of psi(h) instead of psi(h) - I"),
    "6.1": (lambda X: np.stack([np.tanh(X), X ** 2], axis=2).reshape(len(X), 32),
            lambda X: np.concatenate([np.tanh(X), X ** 2], axis=1), "concatenates instead of interleaving blocks"),
    "6.2": (mlp_parameters, lambda n, hidden, latent: mlp_parameters(n, hidden, latent, biases=False),
            "forgets the biases"),
    "7.1": (regular_representation, lambda t: regular_representation(t, left=False),
            "right regular representation (e_h -> e_(h∘g))"),
    "7.2": (lambda G: len({tuple(sorted(set(G.perms[:, p]))) for p in range(G.n_pixels)}),
            lambda G: max(1, G.n_pixels // G.order), "n_pixels / |G| (assumes every orbit has |G| pixels)"),
    "8.1": (lambda n: np.array([a for a in range(n) if np.gcd(a, n) == 1]), lambda n: np.arange(1, n),
            "every non-zero a"),
    "8.2": (lambda c, n: pow(c, -1, n), lambda c, n: c, "c itself, not its inverse mod n"),
    "8.3": (lambda X1: np.mean(1 / stabilizer_sizes(X1)), lambda X1: np.mean(stabilizer_sizes(X1)) / X1.shape[1],
            "mean |H| / |G| instead of mean 1/|H|"),
    "9.1": (predicted_errors, lambda X: predicted_errors(X, disentangled=(0,)),
            "disentangled = no operator (forgets its frequency-1 plane)"),
    "9.2": (gaussian_kl, lambda m, lv: gaussian_kl(m, lv, half=1.0), "forgets the 1/2"),
}


def _strings(value):
    """Ways a right answer could appear in a message (skipping small integers, which also
    name the cases: n=16, p=4 ...)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    array = np.asarray(value)
    if array.ndim == 0:
        v = float(array)
        if v == int(v) and abs(v) < 100:
            return []
        return [f"{v:.4g}", f"{v:.3g}", repr(v)]
    if array.size <= 1:
        return []
    return [str(array.tolist())[1:-1], str(array)[1:-1].strip()]


def _recording(function, outputs):
    def wrapped(*args):
        outputs.append(function(*args))
        return outputs[-1]
    return wrapped


@pytest.mark.parametrize("number", sorted(RIGHT_AND_WRONG, key=lambda k: tuple(map(int, k.split(".")))))
def test_checker_accepts_right_and_hints_at_wrong(number, capsys):
    right, wrong, _ = RIGHT_AND_WRONG[number]
    check = getattr(exercises, f"check_{number.replace('.', '_')}")
    outputs, came = [], []
    check(_recording(right, outputs))
    assert capsys.readouterr().out.startswith(f"Exercise {number} passed:")
    with pytest.raises(AssertionError) as failure:
        check(_recording(wrong, came))
    message = str(failure.value)
    assert message.startswith(f"Exercise {number}") and ("§" in message or "chapter" in message), message
    echoed = {s for out in came for s in _strings(out)}  # "what came" may quote the wrong answer
    leaked = [s for out in outputs for s in _strings(out) if s and s not in echoed
              and re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", message)]
    assert not leaked, (message, leaked)


def test_generic_checkers_of_chapters_10_and_11(capsys):
    rng = np.random.default_rng(0)
    polar = rng.normal(size=(8, 24))
    exercises.check_10_1(polar, np.roll(polar, 5, axis=1), 5)
    with pytest.raises(AssertionError, match="check the sign"):
        exercises.check_10_1(polar, np.roll(polar, 5, axis=1), -5)
    M = np.stack([operators.disentangled(groups.cyclic(8), 6).matrix(g) for g in range(8)])
    exercises.check_11_1(M, operator_multiplicities(M))
    with pytest.raises(AssertionError, match="latent dimension"):
        exercises.check_11_1(M, operator_multiplicities(M, scale=1))
    exercises.check_10_2(lambda x: min(np.linalg.norm(np.rot90(x, k) - x) for k in (1, 2, 3)) / np.linalg.norm(x))
    with pytest.raises(AssertionError, match="leave out the identity"):  # h = e included: always 0
        exercises.check_10_2(lambda x: min(np.linalg.norm(np.rot90(x, k) - x) for k in range(4)) / np.linalg.norm(x))
    def class_count(table):
        inverse = np.argmax(table == 0, axis=1)
        return len({frozenset(table[table[x, g], inverse[x]] for x in range(len(table))) for g in range(len(table))})
    exercises.check_11_2(class_count)
    with pytest.raises(AssertionError, match="count distinct classes, not elements"):
        exercises.check_11_2(lambda table: len(table))
    assert capsys.readouterr().out.count("passed") == 4


def test_checker_refuses_a_value_of_the_wrong_kind():
    with pytest.raises(AssertionError, match="expected a pair"):
        exercises.check_1_1(lambda G, x: 3)
    with pytest.raises(AssertionError, match="expected a dict"):
        exercises.check_9_1(lambda X: [0.1, 0.2, 0.0])


# ---- student copies ------------------------------------------------------------------------

SOLUTION = """def answer(x):
    ### BEGIN SOLUTION
    secret = x * 42
    return secret
    ### END SOLUTION"""


def exercise_notebook(solution=SOLUTION):
    """A small chapter: a lesson cell with output, then one exercise (prompt, solution, check)."""
    nb = nbformat.v4.new_notebook()
    lesson = nbformat.v4.new_code_cell("print('lesson')", id="lesson")
    lesson.outputs = [nbformat.v4.new_output("stream", name="stdout", text="lesson\n")]
    check = nbformat.v4.new_code_cell("print(answer(1))", id="ex-1-1-check")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells = [lesson, nbformat.v4.new_markdown_cell("## Exercises", id="ex-heading"),
                nbformat.v4.new_markdown_cell("### Exercise 1.1 — a title", id="ex-1-1-prompt"),
                nbformat.v4.new_code_cell(solution, id="ex-1-1-solution"), check]
    return nb


def test_student_copy_stubs_regions_keeps_lessons_and_clears_exercise_outputs():
    nb = exercise_notebook()
    copy_ = student_copies.student_copy(nb, "01_x.ipynb")
    nbformat.validate(copy_)
    assert copy_.cells[3].source == ('def answer(x):\n    raise NotImplementedError('
                                     '"Exercise 1.1: write your solution here")')
    assert copy_.cells[0].outputs == nb.cells[0].outputs and copy_.cells[4].outputs == []
    assert nb.cells[3].source == SOLUTION  # the chapter itself is untouched
    assert [c.id for c in copy_.cells] == [c.id for c in nb.cells]


@pytest.mark.parametrize("source, what", [
    ("### BEGIN SOLUTION\nx = 1", "unclosed"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "nested"),
    ("x = 1\n### END SOLUTION", "without"),
])
def test_student_copy_refuses_broken_regions_naming_notebook_and_cell(source, what):
    with pytest.raises(ValueError, match=rf"07_y\.ipynb, cell 3 \(id ex-1-1-solution\).*{what}"):
        student_copies.student_copy(exercise_notebook(source), "07_y.ipynb")


def test_writer_refuses_the_chapters_folder(tmp_path):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    nbformat.write(exercise_notebook(), chapters / "01_x.ipynb")
    for out in (chapters, chapters / "copies", tmp_path / "chapters" / ".." / "chapters"):
        with pytest.raises(ValueError, match="outside the chapters"):
            student_copies.write_student_copies(out, chapters)
    (tmp_path / "link").symlink_to(chapters)
    with pytest.raises(ValueError, match="outside the chapters"):
        student_copies.write_student_copies(tmp_path / "link", chapters)
    with pytest.raises(SystemExit, match="outside the chapters"):
        student_copies.main([str(chapters), "--chapters", str(chapters)])


def test_every_chapter_copied_valid_and_no_solution_line_survives(tmp_path):
    written = student_copies.write_student_copies(tmp_path / "student")
    assert sorted(p.name for p in written) == sorted(p.name for p in CHAPTERS.glob("*.ipynb"))
    for path in written:
        chapter, student = nbformat.read(CHAPTERS / path.name, 4), nbformat.read(path, 4)
        nbformat.validate(student)
        solution_lines = {line.strip() for cell in chapter.cells if student_copies.BEGIN in cell.source
                          for line in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION",
                                                 cell.source, re.S)[0].splitlines() if line.strip()}
        text = "\n".join(cell.source for cell in student.cells)
        assert student_copies.BEGIN not in text and student_copies.END not in text
        assert not [line for line in solution_lines if line in text.splitlines()], path.name
        regions = sum(cell.source.count(student_copies.BEGIN) for cell in chapter.cells)
        assert text.count("raise NotImplementedError(\"Exercise ") == regions


def chapter_one_with_exercises():
    """Chapter 1 as committed; if its exercises are not in it yet, one is appended here."""
    nb = nbformat.read(CHAPTERS / "01_groups.ipynb", 4)
    if not any(c.source.startswith("## Exercises") for c in nb.cells if c.cell_type == "markdown"):
        nb.cells += [nbformat.v4.new_markdown_cell("## Exercises", id="ex-1-heading"),
                     nbformat.v4.new_code_cell("from minidisent import exercises", id="ex-1-setup"),
                     nbformat.v4.new_markdown_cell("### Exercise 1.1 — Orbit and stabilizer", id="ex-1-1-prompt"),
                     nbformat.v4.new_code_cell(
                         "def orbit_and_stabilizer(G, x):\n    ### BEGIN SOLUTION\n"
                         "    images = x.ravel()[G.perms]\n    return len(np.unique(images, axis=0)), "
                         "np.flatnonzero(np.all(images == x.ravel(), axis=1))\n    ### END SOLUTION",
                         id="ex-1-1-solution"),
                     nbformat.v4.new_code_cell("exercises.check_1_1(orbit_and_stabilizer)", id="ex-1-1-check")]
    return nb


def test_a_student_copy_runs_its_lessons_and_fails_only_in_exercises(tmp_path):
    nb = chapter_one_with_exercises()
    first = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Exercises"))
    student = student_copies.student_copy(copy.deepcopy(nb), "01_groups.ipynb")
    NotebookClient(student, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(CHAPTERS)}}).execute()
    errors = {i: [o for o in c.outputs if o.output_type == "error"]
              for i, c in enumerate(student.cells) if c.cell_type == "code"}
    assert not [i for i, e in errors.items() if e and i < first]  # every lesson cell ran
    failing = [i for i, e in errors.items() if e]
    assert failing and all(i > first for i in failing)
    assert all(e[0].ename == "NotImplementedError" for e in errors.values() if e), errors
    checks = [i for i, c in enumerate(student.cells) if "exercises.check_" in c.source]
    assert checks and set(checks) <= set(failing)
