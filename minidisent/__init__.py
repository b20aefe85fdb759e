"""minidisent: disentangling a group action with a latent subspace breaks on symmetric
images (a topological defect); the shift operator (the regular representation) is exact.

Stages, one module each: groups -> data -> models + operators -> train -> metrics -> plots.
"""
from . import data, groups, metrics, models, operators, train

__all__ = ["groups", "data", "operators", "models", "train", "metrics"]
__version__ = "0.1.0"
