"""minidisent: disentangling a group action with a latent subspace breaks on symmetric
images (a topological defect); the shift operator (the regular representation) is exact.

The method, read in this order: groups -> operators -> models -> train.
Data and scores: data (toy signals, pairs, the course's data sets), shapes (2D toy shapes),
metrics. One module per later idea: defect (chapter 03), representations, fourier and
closed_form (04), weak and identifiability (08), vae and posthoc (09), results (09 and the
main job), sampling (interpolated rotation, 07; polar sampling, 10), digits (10),
characters, allocation and learned (11), sequences and sequence_reading (12), so2, angle_operators,
angle_defect and poses (13). recipes builds, trains and scores a model by name; claims
states every quantitative claim as a function of the seed; fast holds the speed tricks;
exercises checks the exercises; saving, plots, bench. `plots`, `bench`, `claims` and
`exercises` are imported on demand (no matplotlib on import; the last three are also
commands: python -m minidisent.bench / .claims / .exercises).
"""
from . import (allocation, angle_defect, angle_operators, characters, closed_form, data, defect,
               digits, fast, fourier, groups, identifiability, learned, metrics, models, operators,
               poses, posthoc, recipes, representations, results, sampling, saving,
               sequence_reading, sequences, shapes, so2, train, vae, weak)

__all__ = ["groups", "operators", "models", "train", "data", "shapes", "metrics", "defect",
           "representations", "fourier", "closed_form", "weak", "identifiability", "vae",
           "posthoc", "recipes", "results", "claims", "sampling", "digits", "characters",
           "allocation", "learned", "sequences", "sequence_reading", "so2", "angle_operators",
           "angle_defect", "poses", "exercises", "fast", "saving", "plots"]
__version__ = "0.1.0"
