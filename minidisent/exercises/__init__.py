"""Exercises of the course: one checker per exercise, one module per chapter
(`chapter_NN.py`, what they share in `common.py`; the student copies: student_copies.py).

Checkers. `check_N_k(answer)` tests exercise N.k of chapter N. The answer is usually the
student's function; the checker calls it on copies of its own seeded cases (what the
function does to its arguments cannot change the expectations, computed beforehand by an
*independent* computation: another algorithm, or an invariant such as the orbit-stabilizer
count, never a stored solution). On success it prints one line `Exercise N.k passed: ...`;
on a wrong answer it raises `common.WrongAnswer`, an AssertionError whose message is a
hint: what kind of answer was expected, what came, and which section to read — never the
expected values. Jupyter shows the hint alone, not the checker's code. Checkers use numpy and the
stable core (`groups`, `operators`, `models`).

A new chapter adds `chapter_NN.py` and one import line below.

Student copies: `python -m minidisent.exercises OUT_DIR` writes every chapter with its
solutions stubbed out (see `student_copies.py`, which also says which outputs are cleared).
"""
from .chapter_01 import check_1_1, check_1_2, check_1_3  # noqa: F401
from .chapter_02 import check_2_1, check_2_2  # noqa: F401
from .chapter_03 import check_3_1, check_3_2  # noqa: F401
from .chapter_04 import check_4_1, check_4_2, check_4_3  # noqa: F401
from .chapter_05 import check_5_1, check_5_2  # noqa: F401
from .chapter_06 import check_6_1, check_6_2  # noqa: F401
from .chapter_07 import check_7_1, check_7_2  # noqa: F401
from .chapter_08 import check_8_1, check_8_2, check_8_3  # noqa: F401
from .chapter_09 import check_9_1, check_9_2  # noqa: F401
from .chapter_10 import check_10_1, check_10_2  # noqa: F401
from .chapter_11 import check_11_1, check_11_2  # noqa: F401
from .chapter_12 import check_12_1, check_12_2  # noqa: F401
from .chapter_13 import check_13_1, check_13_2  # noqa: F401
