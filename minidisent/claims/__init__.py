"""Every quantitative claim of the README and the chapters, once, as a function of the seed.

A claim function f(seed) trains what the claim is about on the data of that seed (data
seed and training seed both = seed) and returns a Claim: the measured value, the bound,
whether it holds, and how the README states it ("every seed": it must hold at each seed
of the sweep; "rate": the README gives the pass count instead). The chapters call the same
functions at their own seed and assert them, so a chapter and the sweep cannot disagree.

`python -m minidisent.claims` runs them all at seeds 0-4 (sweep.py: the table, the command
line; record.py: the stored values, read by stored()).
The chapters hand over what they already trained with
keep(), so nothing is trained twice. Files: common.py (Claim, keep, the shared table),
supervised.py (models trained with g), unlabelled.py (chapter 08).
"""
from .common import Claim, keep, table  # noqa: F401
from .record import stored  # noqa: F401 (the last full sweep, which chapters 8 and 9 show)
from .supervised import (  # noqa: F401 (the names chapters and the sweep call)
    chapter02_runs, floors_settled, disentangled_no_better, shift_linear_z16, mlp_shift_z16,
    linear_shift_exact, linear_shift_error, exactness, linear_shift_hard, shapes_run,
    commutative_without_consistency, noncommutative_without_consistency,
    spare_room_without_consistency, noncommutative_with_consistency, mlp_shift, others_far,
    vae_no_plane, vae_reconstruction, posthoc_fit, posthoc_homomorphism, posthoc_composed,
    defect_runs, orbit_bound, code_radius, closed_form_runs, closed_form_agreement, HARD)
from .unlabelled import (  # noqa: F401 (the names chapters and the sweep call)
    weak_run, weak_free_run, weak_free, weak_anchors, weak_exact, weak_vs_supervised,
    weak_2d_run, weak_2d, weak_2d_exact, weak_anchors_32, weak_anchors_16, weak_anchors_8,
    weak_anchors_0)

CLAIMS = {
    "disentangled_no_better": (disentangled_no_better, "every seed", "cheap"),
    "floors_settled": (floors_settled, "every seed", "slow"),
    "shift_linear_z16": (shift_linear_z16, "every seed", "cheap"),
    "mlp_shift_z16": (mlp_shift_z16, "every seed", "cheap"),
    "linear_shift_exact": (linear_shift_exact, "every seed", "slow"),
    "linear_shift_hard": (linear_shift_hard, "every seed", "cheap"),
    "commutative_without_consistency": (commutative_without_consistency, "every seed", "cheap"),
    "noncommutative_without_consistency": (noncommutative_without_consistency, "every seed", "cheap"),
    "spare_room_without_consistency": (spare_room_without_consistency, "every seed", "cheap"),
    "noncommutative_with_consistency": (noncommutative_with_consistency, "every seed", "cheap"),
    "mlp_shift": (mlp_shift, "every seed", "slow"),
    "others_far": (others_far, "every seed", "slow"),
    "vae_no_plane": (vae_no_plane, "every seed", "slow"),
    "vae_reconstruction": (vae_reconstruction, "every seed", "slow"),
    "posthoc_fit": (posthoc_fit, "every seed", "slow"),
    "posthoc_homomorphism": (posthoc_homomorphism, "every seed", "slow"),
    "posthoc_composed": (posthoc_composed, "every seed", "slow"),
    "orbit_bound": (orbit_bound, "every seed", "cheap"),
    "code_radius": (code_radius, "every seed", "cheap"),
    "closed_form_agreement": (closed_form_agreement, "every seed", "cheap"),
    "weak_anchors_32": (weak_anchors_32, "every seed", "slow"),
    "weak_anchors_16": (weak_anchors_16, "rate", "slow"),
    "weak_anchors_8": (weak_anchors_8, "rate", "slow"),
    "weak_anchors_0": (weak_anchors_0, "rate", "slow"),
    "weak_free": (weak_free, "rate", "slow"),
    "weak_exact": (weak_exact, "every seed", "slow"),
    "weak_vs_supervised": (weak_vs_supervised, "every seed", "slow"),
    "weak_2d": (weak_2d, "every seed", "slow"),
    "weak_2d_exact": (weak_2d_exact, "rate", "slow"),
}


# Functions of this module a chapter may call that are not claims.
HELPERS = {"keep", "chapter02_runs", "closed_form_runs", "shapes_run", "table", "defect_runs", "weak_run",
           "weak_free_run", "weak_2d_run", "linear_shift_error", "exactness"}
