"""Exercises of the course: one checker per exercise (the student copies: student_copies.py).

Checkers. `check_N_k(answer)` tests exercise N.k of chapter N. The answer is usually the
student's function; the checker calls it on its own seeded cases and compares the result
with an *independent* computation (another algorithm, or an invariant such as the
orbit-stabilizer count), never with a stored solution. On success it prints one line
`Exercise N.k passed: ...`; on a wrong answer it raises AssertionError whose message is a
hint: what kind of answer was expected, what came, and which section to read — never the
expected values. Checkers use numpy and the stable core (`groups`, `operators`, `models`).

Student copies: `python -m minidisent.exercises OUT_DIR` writes every chapter with its
solutions stubbed out (see `student_copies.py`, which also says which outputs are cleared).
"""
from .chapters_1_4 import check_1_1, check_1_2, check_1_3, check_2_1, check_2_2, check_3_1, check_3_2, check_4_1, check_4_2, check_4_3  # noqa: F401
from .chapters_5_11 import check_5_1, check_5_2, check_6_1, check_6_2, check_7_1, check_7_2, check_8_1, check_8_2, check_8_3, check_9_1, check_9_2, check_10_1, check_10_2, check_11_1, check_11_2  # noqa: F401
from .chapter_12 import check_12_1, check_12_2  # noqa: F401
