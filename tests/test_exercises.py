"""The exercise checkers and the student copies.

Checkers: every checker runs a battery (BATTERY below): its right answer passes, and so does
a right answer that works on its inputs in place; every wrong answer — a typical mistake, an
answer that modifies the checker's inputs to fool it, and answers of the wrong type (None, a
str, an object array, a wrong shape, complex numbers, float16, an object whose == is always
true) — gets a `WrongAnswer` (an AssertionError) that names the exercise, never a
numpy traceback, and a typical mistake's hint does not give the right answer away. In a real
kernel a failing check shows the hint and none of the checker's code.
`python tests/test_exercises.py --before DIR` prints the battery's results as a table,
against the package in DIR too.

Student copies: stubbed, valid, refused where they must be, and a copy of chapter 1 runs
every lesson cell and fails only in its exercises."""
import argparse
import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from minidisent import exercises, groups, operators, student_copies

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


# ---- right answers (the solutions of the chapters) ----------------------------------------

def orbit_and_stabilizer(G, x):
    images = x.ravel()[G.perms]
    return len(np.unique(images, axis=0)), np.flatnonzero(np.all(images == x.ravel(), axis=1))


def fourier_floor(X, keep):
    power = np.abs(np.fft.fft(X, axis=1)) ** 2
    return 1 - power[:, keep].sum() / power.sum()


def characters(n):
    return np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)


def rotation_multiplicities(n, scale=4):
    index = np.arange(n * n).reshape(n, n)
    character = np.array([np.sum(np.rot90(index, k) == index) for k in range(4)])
    return character, np.round((characters(4).conj() @ character).real / scale).astype(int)


def operator_multiplicities(M, scale=None):
    traces = np.trace(M, axis1=1, axis2=2)
    return np.round((characters(len(M)).conj() @ traces).real / (scale or len(M))).astype(int)


def roll_shift(Z, g, n, sign=1):
    blocks = Z.reshape(len(Z), n, -1)
    return np.stack([np.roll(b, sign * m, axis=0) for b, m in zip(blocks, g)]).reshape(Z.shape)


def fixed_dimensions(n, d, minus_identity=True):
    op = operators.shift(groups.cyclic(n), n * d)
    return np.array([n * d - np.linalg.matrix_rank(op.matrix(h) - minus_identity * np.eye(n * d))
                     for h in range(n)])


def equivariant_encoder(X):
    return np.stack([np.tanh(X), X ** 2], axis=2).reshape(len(X), 32)


def mlp_parameters(n, hidden, latent, biases=True):
    widths = (n,) + tuple(hidden) + (latent,)
    weights = 2 * sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return weights + biases * (sum(widths[1:]) + sum(widths[:-1]))


def regular_representation(table, left=True):
    order = len(table)
    M = np.zeros((order, order, order))
    for g in range(order):
        M[g, table[g] if left else table[:, g], np.arange(order)] = 1.0
    return M


def pixel_orbit_count(G):
    return len({tuple(sorted(set(G.perms[:, p]))) for p in range(G.n_pixels)})


def stabilizer_sizes(X1):
    return np.array([sum(np.array_equal(np.roll(x, m), x) for m in range(X1.shape[1])) for x in X1])


def predicted_errors(X, disentangled=(0, 1, -1)):
    return {"no operator": fourier_floor(X, [0]),
            "disentangled": fourier_floor(X, list(disentangled)), "shift": 0.0}


def gaussian_kl(mean, log_variance, half=0.5):
    return half * np.sum(mean ** 2 + np.exp(log_variance) - log_variance - 1, axis=1)


def asymmetry(x, rotations=(1, 2, 3)):
    return min(np.linalg.norm(np.rot90(x, k) - x) for k in rotations) / np.linalg.norm(x)


def class_count(table):
    inverse = np.argmax(table == 0, axis=1)
    return len({frozenset(table[table[x, g], inverse[x]] for x in range(len(table)))
                for g in range(len(table))})


def probe_geometry(x, v, eps, degrees=True):
    h = next(h for h in range(1, 16) if np.array_equal(np.roll(x, h), x))
    y = x + eps * v
    return h, (360 if degrees else 2 * np.pi) * h / 16, np.linalg.norm(y - np.roll(y, h))


# ---- right answers that work on their inputs in place (honestly: the answer stays right) --

def _inplace_1_1(G, x):
    x -= x.mean()  # a constant shift keeps the stabilizer
    return orbit_and_stabilizer(G, x)


def _inplace_2_1(X):
    X[...] = np.abs(np.fft.fft(X, axis=1)) ** 2  # X's memory reused for the power spectrum
    return 1 - X[:, [0, 1, -1]].sum() / X.sum()


def _inplace_3_1(x):
    x[...] = np.abs(np.fft.fft(x)) ** 2
    return 1 - x[0] / x.sum()


def _inplace_3_2(x, v, eps):
    h = next(h for h in range(1, 16) if np.array_equal(np.roll(x, h), x))
    x += eps * v  # x becomes y
    return h, 360 * h / 16, np.linalg.norm(x - np.roll(x, h))


def _inplace_4_3(M):
    M /= len(M)  # the 1/|G| applied to the matrices
    return np.round((characters(len(M)).conj() @ np.trace(M, axis1=1, axis2=2)).real).astype(int)


def _inplace_5_1(Z, g, n):
    Z[...] = roll_shift(Z, g, n)
    return Z


def _inplace_6_1(X):
    square = X ** 2
    np.tanh(X, out=X)
    return np.stack([X, square], axis=2).reshape(len(X), 32)


def _inplace_7_1(table):
    M = regular_representation(table)
    table[...] = 0  # the table's memory reused once M is built
    return M


def _inplace_7_2(G):
    G.perms.sort(axis=0)  # each column keeps its set of pixels
    return pixel_orbit_count(G)


def _inplace_8_3(X1):
    X1 -= X1.mean(axis=1, keepdims=True)  # a constant per signal keeps its stabilizer
    return np.mean(1 / stabilizer_sizes(X1))


def _inplace_9_1(X):
    X[...] = np.abs(np.fft.fft(X, axis=1)) ** 2
    total = X.sum()
    return {"no operator": 1 - X[:, 0].sum() / total,
            "disentangled": 1 - X[:, [0, 1, -1]].sum() / total, "shift": 0.0}


def _inplace_9_2(mean, log_variance):
    mean *= mean
    return 0.5 * np.sum(mean + np.exp(log_variance) - log_variance - 1, axis=1)


def _inplace_10_2(x):
    x /= np.linalg.norm(x)
    return asymmetry(x)


def _inplace_11_2(table):
    count = class_count(table)
    table[...] = 0
    return count


# ---- answers that modify the checker's inputs to make a wrong answer pass ----------------

def _cheat_1_1(G, x):
    x[...] = 0
    return 1, np.arange(G.order)


def _cheat_3_2(x, v, eps):
    x[...], v[...] = 1, 0
    return 1, 22.5, 0.0


def _cheat_4_3(M):
    M[...] = np.eye(M.shape[1])
    return np.array([M.shape[1]] + [0] * (len(M) - 1))


def _cheat_5_1(Z, g, n):
    g[...] = 0
    return Z


def _cheat_6_1(X):
    X[...] = 0
    return np.zeros((len(X), 32))


def _cheat_7_1(table):
    table[...] = table.T.copy()  # the opposite group: its left regular representation is the
    return regular_representation(table)  # original group's right one, a wrong answer


def _cheat_7_2(G):
    G.perms[...] = np.arange(G.n_pixels)
    return G.n_pixels


def _cheat_9_2(mean, log_variance):
    mean[...], log_variance[...] = 0, 0
    return np.zeros(len(mean))


def _filled(value):
    """An answer that sets its first input to 1 and returns `value` (or value(input))."""
    def cheat(X, *rest):
        X[...] = 1
        return value(X) if callable(value) else value
    return cheat


class AlwaysEqual:
    """An object whose == is always true (and != always false)."""
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def then(function, change):
    """The answer of `function`, changed by `change` (e.g. into another type)."""
    return lambda *args: change(function(*args))


def odd(right, kind):
    """The answers of the wrong type every checker must hint at: (label, answer)."""
    answers = [("None", lambda *args: None), ("a str", then(right, str)),
               ("an always-equal object", lambda *args: AlwaysEqual()),
               ("complex (imaginary part 0.5)", then(right, lambda out: np.asarray(out) + 0.5j)),
               ("float16", then(right, lambda out: np.asarray(out).astype(np.float16))),
               ("an object array", then(right, lambda out: np.asarray(out).astype(object))),
               ("nan", then(right, lambda out: np.asarray(out) * np.nan)),
               ("a generator", then(right, lambda out: (v for v in np.ravel(out))))]
    if kind in ("number", "whole"):
        answers.append(("an array where a number is expected", then(right, lambda out: [out])))
    if kind == "whole":
        answers += [("a float", then(right, lambda out: out + 0.9)),
                    ("a numeric str", then(right, lambda out: str(int(out))))]
    if kind == "array":
        answers.append(("the wrong shape", then(right, lambda out: np.asarray(out)[..., :-1])))
    return answers


def part(right, index, change):
    """A tuple answer with one part changed."""
    def answer(*args):
        out = list(right(*args))
        out[index] = change(out[index])
        return tuple(out)
    return answer


def shape_of_parts(right, count):
    return [("None", lambda *a: None), ("an always-equal object", lambda *a: AlwaysEqual()),
            ("a tuple too short", then(right, lambda out: tuple(out)[:count - 1])),
            ("a str", then(right, str))]


# checker: (right answers: (label, args)), wrong answers: (label, args, kind of wrong answer)
# kinds: "typical" (a mistake a student makes; its hint must not give the answer away),
# "mutation" (modifies the checker's inputs), "odd" (a value of the wrong type).
def function_case(right, honest=None, typical=(), cheats=(), kind=None, more=()):
    """The battery of a checker that takes the student's function."""
    rights = [("right", (right,))] + ([("right, in place", (honest,))] if honest else [])
    wrongs = [(label, (answer,), "typical") for label, answer in typical]
    wrongs += [(label, (answer,), "mutation") for label, answer in cheats]
    wrongs += [(label, (answer,), "odd") for label, answer in
               (odd(right, kind) if kind else []) + list(more)]
    wrongs.append(("not a function (its result)", (0.5,), "odd"))
    return rights, wrongs


def inverses(table):
    return np.argmax(table == 0, axis=1)


def signal(n, p, rng, period=None):
    period = period or p
    return np.tile(rng.normal(size=period), n // period)


def fixers(n, k):
    return np.array([h for h in range(n) if k * h % n == 0])


def one_g(Z, g, n):
    return roll_shift(Z, np.full(len(g), g[0]), n)


def numbers_rolled(Z, g, n):
    return np.stack([np.roll(z, m) for z, m in zip(Z, g)])


def blocks_down_the_wrong_axis(Z, g, n):
    blocks = Z.reshape(len(Z), -1, n)  # (B, d, n): block k would be column k
    return np.stack([np.roll(b, m, axis=1) for b, m in zip(blocks, g)]).reshape(Z.shape)


def rolled_by_sum(Z, g, n):  # np.roll with an array of shifts on one axis adds them up
    return np.roll(Z.reshape(len(Z), n, -1), g, axis=1).reshape(Z.shape)


def _values_10_1():
    polar = np.random.default_rng(0).normal(size=(8, 24))
    turned = np.roll(polar, 5, axis=1)
    odd_k = [("None", None), ("a str", "5"), ("a float", 5.0), ("a bool", True),
             ("complex", 5 + 1j), ("an always-equal object", AlwaysEqual()),
             ("an array", np.array([5]))]
    return ([("right", (polar, turned, 5))],
            [("rolls the other way", (polar, turned, -5), "typical")]
            + [(label, (polar, turned, k), "odd") for label, k in odd_k]
            + [("polar None", (None, polar, 5), "odd"),
               ("polar of another shape", (polar, polar[:, :-1], 5), "odd")])


def _values_11_1():
    M = np.stack([operators.disentangled(groups.cyclic(8), 6).matrix(g) for g in range(8)])
    m = operator_multiplicities(M)
    odd_m = [("None", None), ("a str", str(m)), ("float", m + 0.5), ("complex", m + 0.5j),
             ("float16", m.astype(np.float16)), ("an object array", m.astype(object)),
             ("the wrong shape", m[:-1]), ("an always-equal object", AlwaysEqual())]
    return ([("right", (M, m))],
            [("forgets the 1/|G|", (M, operator_multiplicities(M, scale=1)), "typical")]
            + [(label, (M, wrong), "odd") for label, wrong in odd_m]
            + [("matrices not a representation", (np.ones((8, 6, 6)), m), "odd"),
               ("matrices 2-D", (M[0], m), "odd"), ("matrices None", (None, m), "odd")])


# ---- chapters 12 and 13 --------------------------------------------------------------------

def solve_transition(H, backward=False):
    """M minimising Σ_t ‖H_(t+1) − M H_t‖², by the normal equations (backward: H_t from H_(t+1))."""
    P, Q = np.concatenate(list(H[:-1]), axis=1), np.concatenate(list(H[1:]), axis=1)
    P, Q = (Q, P) if backward else (P, Q)
    return Q @ P.T @ np.linalg.inv(P @ P.T)


def _inplace_12_1(H):
    H *= 2.0  # a common scale of the codes leaves M unchanged
    return solve_transition(H)


def _cheat_12_1(H):
    H[...] = H[:1]  # every frame the first one: the identity fits exactly
    return np.eye(H.shape[1])


def sequence_trace(n, p, g):
    return float(sum(np.cos(2 * np.pi * f * g / n) for f in range(n) if f * p % n == 0))


def turn(p, alpha, sign=-1):
    k = np.rint(np.fft.fftfreq(len(p)) * len(p))
    return np.real(np.fft.ifft(np.fft.fft(p) * np.exp(sign * 1j * k * alpha)))


def _inplace_13_1(p, alpha):
    p[:] = turn(p.copy(), alpha)
    return p


def orbit_spread(x, axis=1, power=2):
    spectrum = np.abs(np.fft.fft(x, axis=axis)) ** power
    return np.take(spectrum, np.arange(1, x.shape[axis]), axis=axis).sum() / spectrum.sum()


def _inplace_13_2(x):
    x[...] = np.abs(np.fft.fft(x, axis=1)) ** 2
    return x[:, 1:].sum() / x.sum()


BATTERY = {
    "1.1": function_case(
        orbit_and_stabilizer, _inplace_1_1,
        typical=[("orbit size = |G| (counts elements, not distinct images)",
                  lambda G, x: (G.order, orbit_and_stabilizer(G, x)[1]))],
        cheats=[("sets x to 0, answers (1, every g)", _cheat_1_1)],
        more=shape_of_parts(orbit_and_stabilizer, 2) + [
            ("stabilizer with an element repeated",
             part(orbit_and_stabilizer, 1, lambda s: np.append(s, s[:1]))),
            ("orbit size 4.9 (a float)", part(orbit_and_stabilizer, 0, lambda s: s + 0.9)),
            ("orbit size as a str", part(orbit_and_stabilizer, 0, str)),
            ("orbit size complex", part(orbit_and_stabilizer, 0, lambda s: s + 0j)),
            ("stabilizer as a float16 array",
             part(orbit_and_stabilizer, 1, lambda s: s.astype(np.float16))),
            ("stabilizer as an object array",
             part(orbit_and_stabilizer, 1, lambda s: s.astype(object))),
            ("stabilizer as a str", part(orbit_and_stabilizer, 1, str))]),
    "1.2": function_case(
        inverses, kind="array",
        typical=[("inverse of g is -g mod |G| (true for Z_n only)",
                  lambda t: (-np.arange(len(t))) % len(t))]),
    "1.3": function_case(
        signal, kind="array",
        typical=[("tiles p/2 values (period too small)",
                  lambda n, p, rng: signal(n, p, rng, period=max(1, p // 2)))]),
    "2.1": function_case(
        lambda X: fourier_floor(X, [0, 1, -1]), _inplace_2_1, kind="number",
        typical=[("energy outside DC only (forgets frequency ±1)",
                  lambda X: fourier_floor(X, [0]))],
        cheats=[("sets X to 1, answers 0.0", _filled(0.0))]),
    "2.2": function_case(
        fixers, kind="array",
        typical=[("only the identity", lambda n, k: np.array([0]))],
        more=[("n instead of 0 (outside Z_n)",
               lambda n, k: np.where(fixers(n, k) == 0, n, fixers(n, k))),
              ("an element repeated", then(fixers, lambda h: np.append(h, h[-1])))]),
    "3.1": function_case(
        lambda x: fourier_floor(x[None], [0]), _inplace_3_1, kind="number",
        typical=[("energy outside DC, not divided by the total",
                  lambda x: np.sum(np.abs(np.fft.fft(x)[1:]) ** 2))],
        cheats=[("sets x to 1, answers 0.0", _filled(0.0))]),
    "3.2": function_case(
        probe_geometry, _inplace_3_2,
        typical=[("angle in radians",
                  lambda x, v, eps: probe_geometry(x, v, eps, degrees=False))],
        cheats=[("sets x to 1 and v to 0, answers (1, 22.5, 0.0)", _cheat_3_2)],
        more=shape_of_parts(probe_geometry, 3) + [
            ("h as a float 4.5", part(probe_geometry, 0, lambda h: h + 0.5)),
            ("angle complex", part(probe_geometry, 1, lambda a: a + 1j)),
            ("distance as an array", part(probe_geometry, 2, lambda d: np.array([d])))]),
    "4.1": function_case(
        rotation_multiplicities,
        typical=[("forgets the 1/|G|", lambda n: rotation_multiplicities(n, scale=1))],
        more=shape_of_parts(rotation_multiplicities, 2) + [
            ("multiplicities complex", part(rotation_multiplicities, 1, lambda m: m + 0.5j)),
            ("multiplicities float", part(rotation_multiplicities, 1, lambda m: m + 0.5)),
            ("character of the wrong shape", part(rotation_multiplicities, 0, lambda c: c[:3]))]),
    "4.2": function_case(
        lambda n, p: np.flatnonzero(np.arange(n) % (n // p) == 0), kind="array",
        typical=[("multiples of p instead of n/p",
                  lambda n, p: np.flatnonzero(np.arange(n) % p == 0))]),
    "4.3": function_case(
        operator_multiplicities, _inplace_4_3, kind="array",
        typical=[("forgets the 1/|G|", lambda M: operator_multiplicities(M, scale=1))],
        cheats=[("sets M to the identity, answers [L, 0, ...]", _cheat_4_3)]),
    "5.1": function_case(
        roll_shift, _inplace_5_1, kind="array",
        typical=[("rolls by -g", lambda Z, g, n: roll_shift(Z, g, n, sign=-1)),
                 ("one g for the whole batch", one_g),
                 ("rolls the numbers, not the blocks", numbers_rolled),
                 ("np.roll(blocks, g, axis=1) (rolls by sum(g))", rolled_by_sum),
                 ("blocks read as (d, n), not (n, d)", blocks_down_the_wrong_axis),
                 ("rolls by g + 1", lambda Z, g, n: roll_shift(Z, g + 1, n))],
        cheats=[("sets g to 0, answers Z", _cheat_5_1)]),
    "5.2": function_case(
        fixed_dimensions, kind="array",
        typical=[("rank of psi(h) instead of psi(h) - I",
                  lambda n, d: fixed_dimensions(n, d, minus_identity=False)),
                 ("rank of psi(h) - I (the moved part)",
                  lambda n, d: n * d - fixed_dimensions(n, d)),
                 ("forgets the factor d", lambda n, d: fixed_dimensions(n, d) // d)]),
    "6.1": function_case(
        equivariant_encoder, _inplace_6_1, kind="array",
        typical=[("concatenates instead of interleaving blocks",
                  lambda X: np.concatenate([np.tanh(X), X ** 2], axis=1)),
                 ("affine (x_k + 1 twice per block)", lambda X: np.repeat(X, 2, axis=1) + 1.0)],
        cheats=[("sets X to 0, answers zeros", _cheat_6_1)]),
    "6.2": function_case(
        mlp_parameters, kind="whole",
        typical=[("forgets the biases",
                  lambda n, hidden, latent: mlp_parameters(n, hidden, latent, biases=False))]),
    "7.1": function_case(
        regular_representation, _inplace_7_1, kind="array",
        typical=[("right regular representation (e_h -> e_(h∘g))",
                  lambda t: regular_representation(t, left=False))],
        cheats=[("transposes the table, answers the right regular representation",
                 _cheat_7_1)]),
    "7.2": function_case(
        pixel_orbit_count, _inplace_7_2, kind="whole",
        typical=[("n_pixels / |G| (assumes every orbit has |G| pixels)",
                  lambda G: max(1, G.n_pixels // G.order))],
        cheats=[("sets every perm to the identity, answers n_pixels", _cheat_7_2)]),
    "8.1": function_case(
        lambda n: np.array([a for a in range(n) if np.gcd(a, n) == 1]), kind="array",
        typical=[("every non-zero a", lambda n: np.arange(1, n))]),
    "8.2": function_case(
        lambda c, n: pow(c, -1, n), kind="whole",
        typical=[("c itself, not its inverse mod n", lambda c, n: c)]),
    "8.3": function_case(
        lambda X1: np.mean(1 / stabilizer_sizes(X1)), _inplace_8_3, kind="number",
        typical=[("mean |H| / |G| instead of mean 1/|H|",
                  lambda X1: np.mean(stabilizer_sizes(X1)) / X1.shape[1])],
        cheats=[("sets X1 to 1, answers 1/n", _filled(lambda X1: 1 / X1.shape[1]))]),
    "9.1": function_case(
        predicted_errors, _inplace_9_1,
        typical=[("disentangled = no operator (forgets its frequency-1 plane)",
                  lambda X: predicted_errors(X, disentangled=(0,)))],
        cheats=[("sets X to 1, answers zeros",
                 _filled({"no operator": 0.0, "disentangled": 0.0, "shift": 0.0}))],
        more=[("None", lambda X: None),
              ("a list", lambda X: list(predicted_errors(X).values())),
              ("a value None", lambda X: dict(predicted_errors(X), shift=None)),
              ("a value complex", lambda X: dict(predicted_errors(X), shift=0.5j)),
              ("a value float16",
               lambda X: {k: np.float16(v) for k, v in predicted_errors(X).items()}),
              ("a value always-equal",
               lambda X: dict(predicted_errors(X), shift=AlwaysEqual()))]),
    "9.2": function_case(
        gaussian_kl, _inplace_9_2, kind="array",
        typical=[("forgets the 1/2", lambda m, lv: gaussian_kl(m, lv, half=1.0))],
        cheats=[("sets mean and log_variance to 0, answers zeros", _cheat_9_2)]),
    "10.1": _values_10_1(),
    "10.2": function_case(
        asymmetry, _inplace_10_2, kind="number",
        typical=[("includes h = e (always 0)", lambda x: asymmetry(x, rotations=range(4)))],
        cheats=[("sets x to 1, answers 0.0", _filled(0.0))]),
    "11.1": _values_11_1(),
    "11.2": function_case(
        class_count, _inplace_11_2, kind="whole",
        typical=[("counts elements, not classes", lambda table: len(table))]),
    "12.1": function_case(
        solve_transition, _inplace_12_1, kind="array",
        typical=[("maps H_(t+1) back to H_t", lambda H: solve_transition(H, backward=True)),
                 ("the transpose of M", lambda H: solve_transition(H).T),
                 ("fits the first transition only", lambda H: H[1] @ np.linalg.pinv(H[0])),
                 ("K alone, no C⁻¹", lambda H: sum(H[t + 1] @ H[t].T for t in range(len(H) - 1)))],
        cheats=[("sets every frame to the first, answers the identity", _cheat_12_1)]),
    "12.2": function_case(
        sequence_trace, kind="number",
        typical=[("the regular representation's character (every irrep)",
                  lambda n, p, g: float(n * (g == 0))),
                 ("|H| where g fixes the signal (the stabilizer, not the irreps)",
                  lambda n, p, g: float(n // p * (g % p == 0))),
                 ("forgets the irreps beyond the first", lambda n, p, g: 1.0)]),
    "13.1": function_case(
        turn, _inplace_13_1, kind="array",
        typical=[("turns clockwise (sign of the phase)", lambda p, a: turn(p, a, sign=1)),
                 ("bin indices 0..N-1 as frequencies",
                  lambda p, a: np.real(np.fft.ifft(np.fft.fft(p) * np.exp(-1j * np.arange(len(p))
                                                                           * a)))),
                 ("rolls to the nearest grid angle",
                  lambda p, a: np.roll(p, int(np.rint(a * len(p) / (2 * np.pi))))),
                 ("alpha read as degrees", lambda p, a: turn(p, np.deg2rad(a)))],
        cheats=[("sets p to 1, answers it (a constant ring turns into itself)",
                 _filled(lambda p: p))]),
    "13.2": function_case(
        orbit_spread, _inplace_13_2, kind="number",
        typical=[("amplitudes |c_k|, not energies", lambda x: orbit_spread(x, power=1)),
                 ("the spectrum along the radii", lambda x: orbit_spread(x, axis=0)),
                 ("not divided by the total energy",
                  lambda x: np.sum(np.abs(np.fft.fft(x, axis=1)[:, 1:]) ** 2) / x.shape[1])],
        cheats=[("sets x to 1, answers 0.0", _filled(0.0))]),
}
NUMBERS = sorted(BATTERY, key=lambda k: tuple(map(int, k.split("."))))


def _checker(number):
    return getattr(exercises, f"check_{number.replace('.', '_')}")


def _strings(value):
    """Ways a right answer could appear in a message (skipping small integers, which also
    name the cases: n=16, p=4 ...)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    array = np.asarray(value)
    if array.ndim == 0:
        v = float(array)
        if v == int(v) and abs(v) < 100:
            return []
        return [f"{v:.4g}", f"{v:.3g}", repr(v)]
    if array.size <= 1:
        return []
    return [str(array.tolist())[1:-1], str(array)[1:-1].strip()]


def _recording(function, outputs):
    def wrapped(*args):
        outputs.append(copy.deepcopy(function(*args)))
        return outputs[-1]
    return wrapped


def _cases(kind):
    return [(number, label) for number in NUMBERS for label, *_ in BATTERY[number][kind == "wrong"]]


@pytest.mark.parametrize("number, label", _cases("right"))
def test_checker_passes_the_right_answer(number, label, capsys):
    args = dict(BATTERY[number][0])[label]
    _checker(number)(*copy.deepcopy(args))
    assert capsys.readouterr().out.startswith(f"Exercise {number} passed:")


@pytest.mark.parametrize("number, label", _cases("wrong"))
def test_checker_hints_at_every_wrong_answer(number, label):
    args, kind = {w[0]: w[1:] for w in BATTERY[number][1]}[label]
    with pytest.raises(exercises.common.WrongAnswer) as failure:  # an AssertionError subclass
        _checker(number)(*copy.deepcopy(args))
    message = str(failure.value)
    assert message.startswith(f"Exercise {number}:"), message
    if kind == "typical":
        assert "§" in message or "chapter" in message, message


@pytest.mark.parametrize("number", [n for n in NUMBERS if callable(BATTERY[n][0][0][1][0])])
def test_a_typical_mistake_is_not_told_the_answer(number, capsys):
    right = BATTERY[number][0][0][1][0]
    for label, (wrong,), kind in BATTERY[number][1]:
        if kind != "typical":
            continue
        outputs, came = [], []
        _checker(number)(_recording(right, outputs))
        with pytest.raises(exercises.common.WrongAnswer) as failure:
            _checker(number)(_recording(wrong, came))
        message = str(failure.value)
        echoed = {s for out in came for s in _strings(out)}  # "what came" may quote the answer
        leaked = [s for out in outputs for s in _strings(out) if s and s not in echoed
                  and re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", message)]
        assert not leaked, (label, message, leaked)


def test_hints_name_what_came_and_diagnose_the_mistake():
    cases = {("1.1", "orbit size 4.9 (a float)"): "float", ("1.1", "orbit size as a str"): "str",
             ("2.1", "None"): "None", ("2.1", "complex (imaginary part 0.5)"): "complex",
             ("5.1", "float16"): "float16", ("5.1", "an object array"): "dtype object",
             ("6.2", "an always-equal object"): "AlwaysEqual", ("5.1", "the wrong shape"): "shape",
             ("5.1", "rolls by -g"): "wrong way",
             ("5.1", "one g for the whole batch"): "same element",
             ("5.1", "rolls the numbers, not the blocks"): "whole blocks",
             ("5.1", "blocks read as (d, n), not (n, d)"): "check the reshape",
             ("5.1", "rolls by g + 1"): "not by g[b]",
             ("5.2", "rank of psi(h) - I (the moved part)"): "moves, not the ones it fixes",
             ("5.2", "forgets the factor d"): "same factor", ("6.1", "affine (x_k + 1 twice per "
                                                              "block)"): "linear plus a constant",
             ("2.1", "not a function (its result)"): "your function itself"}
    for (number, label), words in cases.items():
        args, _ = {w[0]: w[1:] for w in BATTERY[number][1]}[label]
        with pytest.raises(exercises.common.WrongAnswer, match=re.escape(words)):
            _checker(number)(*copy.deepcopy(args))
    with pytest.raises(exercises.common.WrongAnswer, match=r"for S_3 .* counted 1 class, not"):
        exercises.check_11_2(lambda table: 1 if len(table) == 6 and np.any(table != table.T)
                             else class_count(table))  # wrong on S_3 only


def test_a_failing_check_shows_the_hint_and_no_checker_code_in_a_kernel():
    """Executed by nbclient, as Jupyter and nbval run a notebook: the stored error output is
    the hint (a wrong answer) or the student's own frames (a function that raises)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import numpy as np\nfrom minidisent import exercises",
        "def fixed_dimensions(n, d):\n    return np.full(n, n * d)\n"
        "exercises.check_5_2(fixed_dimensions)",
        "def roll_shift(Z, g, n):\n    raise NotImplementedError('Exercise 5.1: write it')\n"
        "exercises.check_5_1(roll_shift)")]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    (hint,), (raised,) = nb.cells[1].outputs, nb.cells[2].outputs
    assert hint.ename == "WrongAnswer", hint
    assert hint.traceback == [f"WrongAnswer: {hint.evalue}"], hint
    assert hint.evalue.startswith("Exercise 5.2: for n=16, d=2, h=1")
    assert raised.ename == "NotImplementedError", raised
    text = "\n".join(raised.traceback)
    assert "raise NotImplementedError('Exercise 5.1: write it')" in text
    package = Path(exercises.__file__).parent
    for path in package.glob("*.py"):  # no line of any checker's code, nor its file name
        lines = [line.strip() for line in path.read_text().splitlines() if len(line.strip()) > 15]
        assert not [line for line in lines if line in text + hint.evalue], path
    assert str(package) not in text


def test_outside_ipython_the_traceback_ends_in_the_hint():
    code = "from minidisent import exercises\nexercises.check_6_2(lambda n, hidden, latent: 7)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ))
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1 and last.startswith("minidisent.exercises.common.WrongAnswer: "
                                                      "Exercise 6.2: for n=16"), result.stderr


def test_every_checker_has_a_battery_and_one_module_per_chapter():
    names = sorted(n[len("check_"):].replace("_", ".") for n in dir(exercises)
                   if n.startswith("check_"))
    assert names == sorted(BATTERY)
    for name in names:
        chapter = int(name.split(".")[0])
        assert _checker(name).__module__ == f"minidisent.exercises.chapter_{chapter:02d}"


# ---- the checker table: python tests/test_exercises.py [--before DIR] ---------------------

def _outcomes():
    """{checker: [(answer, 'right' | kind, outcome)]}: what the installed checkers do."""
    table = {}
    for number in NUMBERS:
        rights, wrongs = BATTERY[number]
        rows = [(label, "right", args) for label, args in rights]
        rows += [(label, kind, args) for label, args, kind in wrongs]
        table[number] = []
        for label, kind, args in rows:
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    _checker(number)(*copy.deepcopy(args))
                    outcome = "passes"
                except AssertionError as error:
                    hint = type(error).__name__ != "AssertionError" or str(error).startswith(
                        f"Exercise {number}")
                    outcome = "hint" if hint else f"AssertionError (numpy's): {error}"[:60]
                except Exception as error:  # noqa: BLE001 - the table records what came
                    outcome = f"{type(error).__name__} (traceback)"
            table[number].append((label, kind, outcome))
    return table


def _main():
    parser = argparse.ArgumentParser(description="the checker table, before -> after")
    parser.add_argument("--before", help="a folder holding an older minidisent package")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args()
    after = _outcomes()
    if args.json:
        print(json.dumps(after))
        return
    before = None
    if args.before:
        env = dict(os.environ, PYTHONPATH=args.before)
        before = json.loads(subprocess.run([sys.executable, __file__, "--json"], env=env,
                                           capture_output=True, text=True, check=True).stdout)
    print("| checker | answer | kind | before | after |\n| --- | --- | --- | --- | --- |")
    for number, rows in after.items():
        for i, (label, kind, outcome) in enumerate(rows):
            old = before[number][i][2] if before else ""
            good = (outcome == "passes") == (kind == "right")
            label = label.replace("|", "\\|")  # a markdown cell
            print(f"| {number} | {label} | {kind} | {old} | {outcome}{'' if good else ' (!)'} |")


if __name__ == "__main__":
    _main()


# ---- student copies ------------------------------------------------------------------------

SOLUTION = """def answer(x):
    ### BEGIN SOLUTION
    secret = x * 42
    return secret
    ### END SOLUTION"""


def exercise_notebook(solution=SOLUTION):
    """A small chapter: a lesson cell with output, then one exercise (prompt, solution, check)."""
    nb = nbformat.v4.new_notebook()
    lesson = nbformat.v4.new_code_cell("print('lesson')", id="lesson")
    lesson.outputs = [nbformat.v4.new_output("stream", name="stdout", text="lesson\n")]
    check = nbformat.v4.new_code_cell("print(answer(1))", id="ex-1-1-check")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells = [lesson, nbformat.v4.new_markdown_cell("## Exercises", id="ex-heading"),
                nbformat.v4.new_markdown_cell("### Exercise 1.1 — a title", id="ex-1-1-prompt"),
                nbformat.v4.new_code_cell(solution, id="ex-1-1-solution"), check]
    return nb


def test_student_copy_stubs_regions_keeps_lessons_and_clears_exercise_outputs():
    nb = exercise_notebook()
    copy_ = student_copies.student_copy(nb, "01_x.ipynb")
    nbformat.validate(copy_)
    assert copy_.cells[3].source == ('def answer(x):\n    raise NotImplementedError('
                                     '"Exercise 1.1: write your solution here")')
    assert copy_.cells[0].outputs == nb.cells[0].outputs and copy_.cells[4].outputs == []
    assert nb.cells[3].source == SOLUTION  # the chapter itself is untouched
    assert [c.id for c in copy_.cells] == [c.id for c in nb.cells]


@pytest.mark.parametrize("source, what", [
    ("### BEGIN SOLUTION\nx = 1", "unclosed"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "nested"),
    ("x = 1\n### END SOLUTION", "without"),
])
def test_student_copy_refuses_broken_regions_naming_notebook_and_cell(source, what):
    with pytest.raises(ValueError, match=rf"07_y\.ipynb, cell 3 \(id ex-1-1-solution\).*{what}"):
        student_copies.student_copy(exercise_notebook(source), "07_y.ipynb")


def test_writer_refuses_the_chapters_folder(tmp_path):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    nbformat.write(exercise_notebook(), chapters / "01_x.ipynb")
    for out in (chapters, chapters / "copies", tmp_path / "chapters" / ".." / "chapters"):
        with pytest.raises(ValueError, match="outside the chapters"):
            student_copies.write_student_copies(out, chapters)
    (tmp_path / "link").symlink_to(chapters)
    with pytest.raises(ValueError, match="outside the chapters"):
        student_copies.write_student_copies(tmp_path / "link", chapters)
    with pytest.raises(SystemExit, match="outside the chapters"):
        student_copies.main([str(chapters), "--chapters", str(chapters)])


def test_every_chapter_copied_valid_and_no_solution_line_survives(tmp_path):
    written = student_copies.write_student_copies(tmp_path / "student")
    assert sorted(p.name for p in written) == sorted(p.name for p in CHAPTERS.glob("*.ipynb"))
    for path in written:
        chapter, student = nbformat.read(CHAPTERS / path.name, 4), nbformat.read(path, 4)
        nbformat.validate(student)
        solution_lines = {line.strip() for cell in chapter.cells
                          if student_copies.BEGIN in cell.source
                          for line in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION",
                                                 cell.source, re.S)[0].splitlines() if line.strip()}
        text = "\n".join(cell.source for cell in student.cells)
        assert student_copies.BEGIN not in text and student_copies.END not in text
        assert not [line for line in solution_lines if line in text.splitlines()], path.name
        regions = sum(cell.source.count(student_copies.BEGIN) for cell in chapter.cells)
        assert text.count("raise NotImplementedError(\"Exercise ") == regions


def chapter_one_with_exercises():
    """Chapter 1 as committed; if its exercises are not in it yet, one is appended here."""
    nb = nbformat.read(CHAPTERS / "01_groups.ipynb", 4)
    if not any(c.source.startswith("## Exercises") for c in nb.cells if c.cell_type == "markdown"):
        nb.cells += [nbformat.v4.new_markdown_cell("## Exercises", id="ex-1-heading"),
                     nbformat.v4.new_code_cell("from minidisent import exercises", id="ex-1-setup"),
                     nbformat.v4.new_markdown_cell("### Exercise 1.1 — Orbit and stabilizer",
                                                   id="ex-1-1-prompt"),
                     nbformat.v4.new_code_cell(
                         "def orbit_and_stabilizer(G, x):\n    ### BEGIN SOLUTION\n"
                         "    images = x.ravel()[G.perms]\n    return len(np.unique(images, "
                         "axis=0)), "
                         "np.flatnonzero(np.all(images == x.ravel(), axis=1))\n    ### END "
                         "SOLUTION",
                         id="ex-1-1-solution"),
                     nbformat.v4.new_code_cell("exercises.check_1_1(orbit_and_stabilizer)",
                                               id="ex-1-1-check")]
    return nb


def test_a_student_copy_runs_its_lessons_and_fails_only_in_exercises(tmp_path):
    nb = chapter_one_with_exercises()
    first = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Exercises"))
    student = student_copies.student_copy(copy.deepcopy(nb), "01_groups.ipynb")
    NotebookClient(student, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(CHAPTERS)}}).execute()
    errors = {i: [o for o in c.outputs if o.output_type == "error"]
              for i, c in enumerate(student.cells) if c.cell_type == "code"}
    assert not [i for i, e in errors.items() if e and i < first]  # every lesson cell ran
    failing = [i for i, e in errors.items() if e]
    assert failing and all(i > first for i in failing)
    assert all(e[0].ename == "NotImplementedError" for e in errors.values() if e), errors
    checks = [i for i, c in enumerate(student.cells) if "exercises.check_" in c.source]
    assert checks and set(checks) <= set(failing)
