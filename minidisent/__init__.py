"""minidisent: disentangling a group action with a latent subspace breaks on symmetric
images (a topological defect); the shift operator (the regular representation) is exact.

Stages, one module each: groups -> data -> models + operators -> train -> metrics -> plots;
fourier (representation theory), baselines (VAEs and post-hoc tests), experiments (the
recipes shared by the chapters and the main job), saving, bench. `plots` and `bench` are
imported on demand (matplotlib is not loaded by `import minidisent`).
"""
from . import baselines, data, experiments, fourier, groups, metrics, models, operators, saving, train

__all__ = ["groups", "data", "operators", "models", "train", "metrics", "fourier", "baselines",
           "experiments", "saving", "plots"]
__version__ = "0.1.0"
