"""minidisent: disentangling a group action with a latent subspace breaks on symmetric
images (a topological defect); the shift operator (the regular representation) is exact.

Stages, one module each: groups -> data -> models + operators -> train -> metrics -> plots;
fourier (representation theory), characters (character tables of any finite group),
learned (the best operator for a latent size; learned operators), baselines (VAEs and
post-hoc tests), experiments (the recipes shared by the chapters and the main job),
saving, bench. `plots` and `bench` are imported on demand (matplotlib is not loaded by
`import minidisent`).
"""
from . import baselines, characters, data, experiments, fourier, groups, learned, metrics, models, operators, saving, train

__all__ = ["groups", "data", "operators", "models", "train", "metrics", "fourier", "characters", "learned",
           "baselines", "experiments", "saving", "plots"]
__version__ = "0.1.0"
