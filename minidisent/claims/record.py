"""The stored claims sweep: minidisent/claims_sweep.json, written by `python -m minidisent.claims
--write` (claims/sweep.py) and read by stored(), which chapters 8 and 9 call."""
import json
import os

from .. import _files
from .common import Claim

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STORED = os.path.join(PACKAGE, "claims_sweep.json")
MAX_BYTES = 2 ** 24  # a sweep of every claim at a few seeds is about 30 kB


def as_json(measured, seeds):
    """The text of claims_sweep.json: {"seeds": [...], "claims": {name: [Claim as a dict]}}."""
    values = {n: [c._asdict() for c in cs] for n, cs in measured.items()}
    return json.dumps({"seeds": list(seeds), "claims": values}, indent=1) + "\n"


def _claim(entry):
    """A Claim from its dict, or None if it is not one (fields, types)."""
    if not isinstance(entry, dict) or set(entry) != set(Claim._fields):
        return None
    name, value, bound, holds = (entry[f] for f in Claim._fields)
    good = (isinstance(name, str) and isinstance(bound, str) and isinstance(holds, bool)
            and isinstance(value, (int, float)) and not isinstance(value, bool))
    return Claim(name, float(value), bound, holds) if good else None


def stored(path=STORED):
    """The last full sweep (python -m minidisent.claims --write): (seeds, {name: [Claim at each
    seed]}). A ValueError naming the file if it is missing, truncated or not a sweep."""
    def refuse(why):
        return ValueError(f"{path}: expected the stored claims sweep (JSON written by python -m "
                          f"minidisent.claims --write; git checkout restores it), got {why}")
    try:
        with _files.regular_file(path) as f:
            raw = f.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        raise refuse(f"{type(error).__name__}: {error}") from None
    if len(raw) > MAX_BYTES:
        raise refuse(f"a file of more than {MAX_BYTES} bytes")
    try:
        saved = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # truncated, not UTF-8, not JSON
        why = f"{type(error).__name__}: {str(error)[:100]}"
        raise refuse(f"text that is not JSON ({why})") from None
    if not isinstance(saved, dict) or set(saved) != {"seeds", "claims"}:
        what = sorted(saved) if isinstance(saved, dict) else type(saved).__name__
        raise refuse(f"JSON with the keys {what}")
    seeds, found = saved["seeds"], saved["claims"]
    if not (isinstance(seeds, list) and seeds and all(type(s) is int and s >= 0 for s in seeds)):
        raise refuse(f"seeds {str(seeds)[:100]}")
    if not isinstance(found, dict):
        raise refuse(f"claims of type {type(found).__name__}")
    measured = {}
    for name, entries in found.items():
        claims = [_claim(e) for e in entries] if isinstance(entries, list) else [None]
        if len(claims) != len(seeds) or None in claims:
            raise refuse(f"claim {name!r} without one Claim (name, value, bound, holds) per seed")
        measured[name] = claims
    return seeds, measured
