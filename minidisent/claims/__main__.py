"""python -m minidisent.claims: the sweep (sweep.py)."""
import sys

from .sweep import main

sys.exit(main())
