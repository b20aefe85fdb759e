"""What the claims share: the Claim a claim function returns, `needs` (what a claim trains
when it is not given, so that the sweep trains it once and hands it over), the bound
helpers, and the results table every claim about it reads.

A claim function is f(seed, **trained) -> Claim: a chapter hands over what it trained
(claims.shift_linear_z16(0, run=run)); given nothing, f trains it itself."""
from collections import namedtuple

from .. import results


class Claim(namedtuple("Claim", "name value bound holds")):
    """value: the measured number; bound: the claim's threshold (text); holds: bool.
    Printed without its value (whose last digits move with the BLAS): "name bound: holds"."""
    __slots__ = ()

    def __str__(self):
        return f"{self.name} {self.bound}: {self.holds}"


PLAIN = False  # --plain: the linear shift recipes without whitening
def needs(**trainers):
    """Decorator: f(seed, name=None, ...) trains `name` with trainers[name](seed) when not
    given. The sweep reads f.needs and trains each (trainer, seed) once for all claims."""
    def mark(function):
        function.needs = trainers
        return function
    return mark


def measure(function, seed, trained):
    """function(seed) with what it needs, trained at most once per sweep: `trained` is the
    sweep's own dict {(trainer, seed): result}, dropped when the sweep ends."""
    given = {}
    for name, trainer in getattr(function, "needs", {}).items():
        if (trainer, seed) not in trained:
            trained[trainer, seed] = trainer(seed)
        given[name] = trained[trainer, seed]
    return function(seed, **given)


def below(name, value, bound):
    return Claim(name, float(value), f"<= {bound:g}", bool(value <= bound))


def above(name, value, bound):
    return Claim(name, float(value), f"> {bound:g}", bool(value > bound))


def table(seed):
    """The results table (results.results) on every data set at this seed (linear + shift
    not whitened with --plain)."""
    return results.results(tuple(results.DATASETS), seed=seed, whiten=not PLAIN)


def cells(t, key):
    """The held-out prediction errors of model `key` in the results table t, generic and
    symmetric, on every data set that has it."""
    return [t[d].models[key].errors["prediction"][c] for d in t if key in t[d].models
            for c in ("generic", "symmetric")]
