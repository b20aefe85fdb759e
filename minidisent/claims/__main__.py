"""python -m minidisent.claims: the sweep (claims_sweep.py)."""
import sys

from ..claims_sweep import main

sys.exit(main())
