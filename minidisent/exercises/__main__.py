"""python -m minidisent.exercises OUT_DIR: write the student copies (see student_copies.py)."""
from .. import student_copies

student_copies.main()
