"""Every quantitative claim of the README and the chapters, once, as a function of the seed.

A claim function f(seed) trains what the claim is about on the data of that seed (data
seed and training seed both = seed) and returns a Claim: the measured value, the bound,
whether it holds, and how the README states it ("every seed": it must hold at each seed
of the sweep; "rate": the README gives the pass count instead). The chapters call the same
functions at their own seed and assert them, so a chapter and the sweep cannot disagree.

`python -m minidisent.claims` runs them all at seeds 0-4 (sweep.py: the table, the command
line; record.py: the stored values, read by stored()). A claim takes what a chapter already
trained as a keyword argument (claims.shift_linear_z16(0, run=run)) and trains it when not
given; the sweep trains what each claim needs (common.needs) once per seed. Files: common.py
(Claim, needs, the shared table), supervised.py (models trained with g), unlabelled.py
(chapter 08), factors.py (the defect per factor, chapter 07), real_digits.py (chapter 10),
sequences.py (chapter 12), so2.py (chapter 13).
"""
from .common import Claim, table  # noqa: F401
from .record import stored  # noqa: F401 (the last full sweep, which chapters 8 and 9 show)
from .supervised import (  # noqa: F401 (the names chapters and the sweep call)
    chapter02_runs, floors_settled, disentangled_no_better, shift_linear_z16, mlp_shift_z16,
    linear_shift_exact, linear_shift_error, exactness, linear_shift_hard, shapes_run,
    commutative_without_consistency, noncommutative_without_consistency,
    spare_room_without_consistency, noncommutative_with_consistency, mlp_shift, others_far,
    vae_no_plane, vae_reconstruction, posthoc_fit, posthoc_homomorphism, posthoc_composed,
    defect_runs, orbit_bound, code_radius, closed_form_runs, closed_form_agreement, HARD,
    floor_by_stabilizer, probe_equivariant, probe_varying_is_bound, free_run, free_escapes_floor,
    free_not_equivariant, free_radius_kept, memorise_runs, free_memorises, tied_at_floor,
    tied_equivariant, shapes_disentangled_runs, shapes_disentangled_symmetric, weakest_mode_z32,
    weakest_mode_z64, weakest_mode_blobs, polar_mlp_runs, mlp_shift_polar,
    mlp_disentangled_polar)
from .real_digits import (  # noqa: F401 (chapter 10)
    digits_experiment, digits_shift_better, digits_disentangled_better, digits_path_collapse,
    digits_bin_radius, digits_bin_flat, digits_bin_missed, digits_bin_translations,
    digits_bin_shift, digits_path_blind, digits_path_blind_grows, digits_path_shift)
from .unlabelled import (  # noqa: F401 (the names chapters and the sweep call)
    weak_run, weak_free_run, weak_free, weak_anchors, weak_exact, weak_vs_supervised,
    weak_2d_run, weak_2d, weak_2d_exact, weak_anchors_32, weak_anchors_16, weak_anchors_8,
    weak_anchors_0)
from .so2 import (  # noqa: F401 (chapter 13)
    so2_group_laws, so2_even_obstruction, so2_fourier_spectral, so2_grid_first_order,
    so2_orbit_floor, so2_floor_is_lower, so2_band_limited_trained, so2_closed_form_exact,
    so2_character_scan, so2_unseen_pose, so2_pose_accuracy, so2_pixels_unseen, so2_trained_unseen,
    so2_sampling, so2_digit_ring_not_spectral, so2_digit_ring_fourier_better)
from .so2 import (  # noqa: F401 (helpers of chapter 13)
    defect_runs as so2_defect_runs, digits_closed_form as so2_digits_closed_form)
from .factors import (  # noqa: F401 (the names chapter 07 and the sweep call)
    FactorRun, TORI, factor_run, factor_runs, factor_floor, turned_planes_collapse,
    other_plane_follows, stripes_follow, mlp_shift_torus)
from .sequences import (  # noqa: F401 (chapter 12)
    sequence_run, held_out, sequence_irreps_digits, sequence_irreps_signals,
    sequence_homomorphism_digits, sequence_homomorphism_signals, sequence_blocks_signals,
    sequence_torus_not_representation, sequence_extrapolation, sequence_mlp_extrapolation,
    sequence_learned_drifts, sequence_defect, sequence_unconstrained, sequence_stabilizer)

CLAIMS = {
    "disentangled_no_better": (disentangled_no_better, "every seed", "cheap"),
    "floors_settled": (floors_settled, "every seed", "slow"),
    "shift_linear_z16": (shift_linear_z16, "every seed", "cheap"),
    "mlp_shift_z16": (mlp_shift_z16, "every seed", "cheap"),
    "linear_shift_exact": (linear_shift_exact, "every seed", "slow"),
    "linear_shift_hard": (linear_shift_hard, "every seed", "cheap"),
    "mlp_shift_polar": (mlp_shift_polar, "every seed", "slow"),
    "mlp_disentangled_polar": (mlp_disentangled_polar, "every seed", "slow"),
    "weakest_mode_z32": (weakest_mode_z32, "every seed", "cheap"),
    "weakest_mode_z64": (weakest_mode_z64, "every seed", "cheap"),
    "weakest_mode_blobs": (weakest_mode_blobs, "every seed", "cheap"),
    "commutative_without_consistency": (commutative_without_consistency, "every seed", "cheap"),
    "noncommutative_without_consistency": (noncommutative_without_consistency, "every seed",
                                           "cheap"),
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
    "floor_by_stabilizer": (floor_by_stabilizer, "every seed", "cheap"),
    "probe_equivariant": (probe_equivariant, "every seed", "cheap"),
    "probe_varying_is_bound": (probe_varying_is_bound, "every seed", "cheap"),
    "free_escapes_floor": (free_escapes_floor, "every seed", "cheap"),
    "free_not_equivariant": (free_not_equivariant, "every seed", "cheap"),
    "free_radius_kept": (free_radius_kept, "every seed", "cheap"),
    "free_memorises": (free_memorises, "every seed", "cheap"),
    "tied_at_floor": (tied_at_floor, "every seed", "cheap"),
    "tied_equivariant": (tied_equivariant, "every seed", "cheap"),
    "shapes_disentangled_symmetric": (shapes_disentangled_symmetric, "every seed", "cheap"),
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
    "so2_group_laws": (so2_group_laws, "every seed", "cheap"),
    "so2_even_obstruction": (so2_even_obstruction, "every seed", "cheap"),
    "so2_fourier_spectral": (so2_fourier_spectral, "every seed", "cheap"),
    "so2_grid_first_order": (so2_grid_first_order, "every seed", "cheap"),
    "so2_orbit_floor": (so2_orbit_floor, "every seed", "cheap"),
    "so2_floor_is_lower": (so2_floor_is_lower, "every seed", "cheap"),
    "so2_band_limited_trained": (so2_band_limited_trained, "every seed", "cheap"),
    "so2_closed_form_exact": (so2_closed_form_exact, "every seed", "cheap"),
    "so2_character_scan": (so2_character_scan, "every seed", "cheap"),
    "so2_unseen_pose": (so2_unseen_pose, "every seed", "cheap"),
    "so2_pose_accuracy": (so2_pose_accuracy, "every seed", "cheap"),
    "so2_pixels_unseen": (so2_pixels_unseen, "every seed", "cheap"),
    "so2_trained_unseen": (so2_trained_unseen, "every seed", "cheap"),
    "so2_sampling": (so2_sampling, "every seed", "cheap"),
    "so2_digit_ring_not_spectral": (so2_digit_ring_not_spectral, "every seed", "cheap"),
    "so2_digit_ring_fourier_better": (so2_digit_ring_fourier_better, "every seed", "cheap"),
    "factor_floor": (factor_floor, "every seed", "cheap"),
    "turned_planes_collapse": (turned_planes_collapse, "every seed", "cheap"),
    "other_plane_follows": (other_plane_follows, "every seed", "cheap"),
    "stripes_follow": (stripes_follow, "every seed", "cheap"),
    "mlp_shift_torus": (mlp_shift_torus, "every seed", "cheap"),
    "digits_shift_better": (digits_shift_better, "every seed", "slow"),
    "digits_disentangled_better": (digits_disentangled_better, "every seed", "slow"),
    "digits_path_collapse": (digits_path_collapse, "every seed", "slow"),
    "digits_bin_radius": (digits_bin_radius, "every seed", "slow"),
    "digits_bin_flat": (digits_bin_flat, "every seed", "slow"),
    "digits_bin_missed": (digits_bin_missed, "every seed", "slow"),
    "digits_bin_translations": (digits_bin_translations, "every seed", "slow"),
    "digits_bin_shift": (digits_bin_shift, "every seed", "slow"),
    "digits_path_blind": (digits_path_blind, "every seed", "slow"),
    "digits_path_blind_grows": (digits_path_blind_grows, "every seed", "slow"),
    "digits_path_shift": (digits_path_shift, "every seed", "slow"),
    "sequence_irreps_digits": (sequence_irreps_digits, "every seed", "cheap"),
    "sequence_irreps_signals": (sequence_irreps_signals, "rate", "cheap"),
    "sequence_homomorphism_digits": (sequence_homomorphism_digits, "every seed", "cheap"),
    "sequence_homomorphism_signals": (sequence_homomorphism_signals, "rate", "cheap"),
    "sequence_blocks_signals": (sequence_blocks_signals, "rate", "cheap"),
    "sequence_torus_not_representation": (sequence_torus_not_representation, "every seed", "cheap"),
    "sequence_extrapolation": (sequence_extrapolation, "every seed", "cheap"),
    "sequence_mlp_extrapolation": (sequence_mlp_extrapolation, "every seed", "cheap"),
    "sequence_learned_drifts": (sequence_learned_drifts, "every seed", "cheap"),
    "sequence_defect": (sequence_defect, "every seed", "cheap"),
    "sequence_unconstrained": (sequence_unconstrained, "every seed", "cheap"),
    "sequence_stabilizer": (sequence_stabilizer, "every seed", "cheap"),
}


# Functions of this module a chapter may call that are not claims.
HELPERS = {"chapter02_runs", "closed_form_runs", "shapes_run", "table", "defect_runs", "weak_run",
           "weak_free_run", "weak_2d_run", "linear_shift_error", "exactness"}
HELPERS |= {"stored"}  # the stored sweep, which chapters 8 and 9 show
HELPERS |= {"so2_defect_runs", "so2_digits_closed_form"}
HELPERS |= {"factor_run", "factor_runs", "FactorRun", "digits_experiment"}
HELPERS |= {"sequence_run", "held_out"}
HELPERS |= {"free_run", "memorise_runs", "shapes_disentangled_runs", "polar_mlp_runs"}
