"""What the claims share: the Claim a claim function returns, the results they share
(keep: a chapter hands over what it trained; kept: train once), the bound helpers, and the
results table every claim about it reads."""
from collections import namedtuple

from .. import results


class Claim(namedtuple("Claim", "name value bound holds")):
    """value: the measured number; bound: the claim's threshold (text); holds: bool.
    Printed without its value (whose last digits move with the BLAS): "name bound: holds"."""
    __slots__ = ()

    def __str__(self):
        return f"{self.name} {self.bound}: {self.holds}"


PLAIN = False  # --plain: the linear shift recipes without whitening
KEPT = {}  # (what, seed, ...) -> a trained result the claims share


def keep(key, value):
    """Store a result the claims would otherwise train: a chapter that has trained it at its
    seed hands it over, e.g. keep(("table", 0), table) or keep(("defect mlp", 0), run).
    The key names what the claim functions would compute under it (see each function)."""
    KEPT[key] = value


def kept(key, compute):
    if key not in KEPT:
        KEPT[key] = compute()
    return KEPT[key]


def below(name, value, bound):
    return Claim(name, float(value), f"<= {bound:g}", bool(value <= bound))


def above(name, value, bound):
    return Claim(name, float(value), f"> {bound:g}", bool(value > bound))


def table(seed):
    """The results table (results.results) on every data set at this seed, computed once."""
    return kept(("plain table" if PLAIN else "table", seed),
                 lambda: results.results(tuple(results.DATASETS), seed=seed, whiten=not PLAIN))


def cells(seed, key):
    t = table(seed)
    return [t[d].models[key].errors["prediction"][c] for d in t if key in t[d].models
            for c in ("generic", "symmetric")]
