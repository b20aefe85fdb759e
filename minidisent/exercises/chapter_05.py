"""Checkers of chapter 5, the shift operator on a linear model: the operator as a roll of the
latent's blocks, and the dimension of the space each psi(h) fixes."""
import numpy as np

from .. import groups
from . import common


def _moved(Z, g, G, d):
    """Z (B, n·d), g int (B,) -> (B, n·d): (psi(g) z)[k] = z[g⁻¹∘k], read through the table."""
    blocks = Z.reshape(len(Z), G.order, d)
    return np.stack([blocks[b, G.table[G.inverse[g[b]]]] for b in range(len(Z))]).reshape(Z.shape)


def _roll_diagnosis(out, Z, g, G, d):
    """What kind of mistake turns Z into `out` (one of a few seen in practice), as a hint."""
    n = G.order
    by = [_moved(Z, np.full(len(Z), k), G, d) for k in range(n)]  # every row moved by k
    if np.array_equal(out, Z):
        return "your output is Z unchanged: psi(g) must move the blocks of z"
    if np.array_equal(out, _moved(Z, G.inverse[g], G, d)):
        return "your blocks moved the wrong way: block h must end at block g∘h, not g⁻¹∘h"
    if any(np.array_equal(out, moved) for moved in by):
        return ("every row of your output moved by the same element: row b must move by its own "
                "g[b] (g holds one element per row of Z)")
    if d > 1 and np.array_equal(out, np.stack([np.roll(z, m) for z, m in zip(Z, g)])):
        return ("you moved the numbers of z one by one: psi(g) moves whole blocks of d "
                "consecutive numbers, so a block keeps its d numbers together")
    layout = Z.reshape(len(Z), d, n)  # blocks read down the wrong axis
    if d > 1 and np.array_equal(out, np.stack([np.roll(z, m, axis=1)
                                               for z, m in zip(layout, g)]).reshape(Z.shape)):
        return ("your blocks are not z[k·d:(k+1)·d]: block k is d consecutive numbers of z; "
                "check the reshape and the axis you move along")
    if all(any(np.array_equal(row, moved[b]) for moved in by) for b, row in enumerate(out)):
        return "each row moved its blocks, but not by g[b] (check which element each row uses)"
    return "block h must move to block g∘h, (psi(g) z)[k] = z[g⁻¹∘k]"


def check_5_1(roll_shift):
    """roll_shift(Z, g, n) -> psi(g) Z for the shift operator of Z_n, Z (B, n·d), via np.roll."""
    rng = np.random.default_rng(51)
    for n, d in [(16, 2), (5, 3), (7, 1)]:
        G = groups.cyclic(n)
        Z, g, h = rng.normal(size=(40, n * d)), rng.integers(0, n, 40), rng.integers(0, n, 40)
        expected, composed = _moved(Z, g, G, d), _moved(Z, G.table[g, h], G, d)
        out = common.call("5.1", roll_shift, Z, g, n)
        out = common.array("5.1", "psi(g) Z", out, shape=Z.shape)
        common.hint(out.dtype == Z.dtype, f"Exercise 5.1: expected psi(g) Z as float64 like "
                    f"Z, got {out.dtype}: psi(g) only moves numbers, it keeps their type")
        if not np.array_equal(out, expected):
            common.fail(f"Exercise 5.1: for n={n}, d={d}: {_roll_diagnosis(out, Z, g, G, d)} "
                        "(§5.1).")
        once = common.call("5.1", roll_shift, Z, h, n)
        once = common.array("5.1", "psi(h) Z", once, shape=Z.shape)
        twice = common.call("5.1", roll_shift, once, g, n)
        twice = common.array("5.1", "psi(g) psi(h) Z", twice, shape=Z.shape)
        same = common.call("5.1", roll_shift, Z, np.zeros(40, int), n)
        same = common.array("5.1", "psi(e) Z", same, shape=Z.shape)
        common.hint(np.array_equal(twice, composed) and np.array_equal(same, Z),
                    "Exercise 5.1: psi(g)psi(h) != psi(g∘h) exactly (§5.2).")
    common.passed("5.1", "np.roll of the blocks == the table definition, and a homomorphism, "
                  "exactly")


def _cycles(n, h):
    """The number of cycles of the blocks k -> k + h on Z_n, counted by following them."""
    seen, cycles = set(), 0
    for k in range(n):
        cycles += k not in seen
        while k not in seen:
            seen.add(k)
            k = (k + h) % n
    return cycles


def _fixed_diagnosis(dims, truth, n, d):
    """What kind of mistake gives `dims` instead of `truth`, as a hint that keeps the method."""
    L = n * d
    if np.array_equal(dims, L - truth):
        return ("you counted the dimensions psi(h) moves, not the ones it fixes: the two add up "
                "to L")
    if d > 1 and np.array_equal(dims * d, truth):
        return ("your dimensions are too small by the same factor for every h: a block of the "
                "latent holds d numbers, and a fixed vector can use all of them")
    if dims[0] != L:
        return ("at h = e, psi(e) = I fixes every vector of the latent, so its fixed space is the "
                "whole latent")
    if len(set(dims.tolist())) == 1:
        return ("your dimension is the same for every h, but psi(h) for h != e moves some "
                "vectors: the fixed space is {z : psi(h) z = z}")
    return ("the fixed space is {z : psi(h) z = z}; try it by hand on a small case "
            "(n=4, d=1, h=2) before the code")


def check_5_2(fixed_dimensions):
    """fixed_dimensions(n, d) -> (n,) dimension of the fixed space of psi(h) for h in Z_n."""
    for n, d in [(16, 2), (12, 1), (9, 3)]:
        truth = d * np.array([_cycles(n, h) for h in range(n)])  # a fixed z: constant on cycles
        dims = common.call("5.2", fixed_dimensions, n, d)
        dims = common.array("5.2", "the dimensions", dims, shape=(n,), whole=True)
        wrong = [h for h in range(n) if dims[h] != truth[h]]
        if wrong:
            common.fail(f"Exercise 5.2: for n={n}, d={d}, h={wrong[0]} your dimension "
                        f"{dims[wrong[0]]} is wrong: {_fixed_diagnosis(dims, truth, n, d)} (§5.3).")
    common.passed("5.2", "fixed-space dimensions equal d x the number of block cycles, on 3 (n, d)")
