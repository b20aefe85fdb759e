"""Learned operators: a matrix psi(s) per generator s (or a parameterisation of it, a
`family`) is extended along words, psi(s_1 ∘ ... ∘ s_k) = psi(s_1) ... psi(s_k), and trained
with a linear autoencoder on pairs (x1, g, x2) plus a homomorphism penalty
    mean over generators s and elements g of ‖psi(s) psi(g) − psi(s∘g)‖² / L,
zero exactly when the words respect the group's relations. What it learned is read
through characters: chi(g) = tr psi(g) and m_i = 1/|G| Σ_g conj(chi_i(g)) chi(g), near
integers when psi is near a homomorphism. The best operator for a latent size, in closed
form, is in allocation.py.
"""
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import _checks, characters, fast, models, operators, representations, train

Parameterisation = namedtuple("Parameterisation", "name group latent_dim init generators words")
Parameterisation.__doc__ = """A family of operators: how psi(s) of each generator s comes from
parameters (free and angles build one; the functions below take it as `family`).
init(rng) -> dict of the operator's parameters (keys starting with "psi_")
generators(params) -> list of (L, L) matrices, one per generator of characters.generator_words
words    (generators, steps, lengths): psi(g) = psi(generators[i]) psi(h) for each step (g, i, h)
         in order; lengths int (|G|,) the word length of each element"""


def free(group, latent_dim):
    """One free L x L matrix per generator, started at a random orthogonal matrix."""
    gens, _ = characters.generator_words(group)

    def init(rng):
        return {f"psi_{i}": onp.linalg.qr(rng.normal(size=(latent_dim, latent_dim)))[0]
                for i in range(len(gens))}

    return Parameterisation("free", group, latent_dim, init,
                            lambda params: [params[f"psi_{i}"] for i in range(len(gens))],
                            _words(group))


def angles(group, latent_dim):
    """Z_n only: psi(1) = blockdiag(R(theta_1), ..., R(theta_p)) (p = L // 2 rotation blocks,
    angles free, started uniform in [0, pi]) and, for odd L, one more entry cos(phi).
    Along words psi(m) = blockdiag(R(m theta_j)): it reaches every irrep (theta = 2 pi k / n),
    the self-dual ones in pairs (theta = 0: two trivial, theta = pi: two signs)."""
    if group.factors is None or len(group.factors) != 1:
        raise ValueError("group: angles needs a cyclic group Z_n (one generator), "
                         f"got {group.name}")
    p, q = latent_dim // 2, latent_dim % 2

    def init(rng):
        return {"psi_angles": rng.uniform(0, onp.pi, p), "psi_scalars": rng.uniform(0, onp.pi, q)}

    def generators(params):
        c, s = np.cos(params["psi_angles"]), np.sin(params["psi_angles"])  # (p,)
        blocks = np.reshape(np.stack([c, -s, s, c], axis=1), (p, 2, 2))
        eye = onp.eye(p)
        rotation = np.reshape(np.transpose(eye[:, :, None, None] * blocks[:, None], (0, 2, 1, 3)),
                              (2 * p, 2 * p))
        corner = np.cos(params["psi_scalars"]) * onp.eye(q)
        top = np.concatenate([rotation, onp.zeros((2 * p, q))], axis=1)
        bottom = np.concatenate([onp.zeros((q, 2 * p)), corner], axis=1)
        return [np.concatenate([top, bottom], axis=0)]

    return Parameterisation("angles", group, latent_dim, init, generators, _words(group))


def _words(group):
    """Generators, the build steps (g, i, h): psi(g) = psi(generator i) psi(h), h built before g,
    and the word length of each element (its power of the generator, for a cyclic group)."""
    gens, words = characters.generator_words(group)
    steps = []
    for g in sorted(range(1, group.order), key=lambda g: len(words[g])):
        h = 0
        for t in reversed(words[g][1:]):
            h = int(group.table[t, h])
        steps.append((g, gens.index(words[g][0]), h))
    return gens, steps, onp.array([len(w) for w in words])


def matrices(family, params):
    """psi (|G|, L, L) along words from the generators' matrices (differentiable)."""
    mats = family.generators(params)
    if len(mats) == 1:  # a cyclic group: psi(s^m) = A^m, the powers found by doubling
        powers, A = onp.eye(family.latent_dim)[None], mats[0]  # A^0 .. A^(k-1), then A^k
        while powers.shape[0] < family.group.order:
            powers = np.concatenate([powers, np.matmul(A, powers)])
            A = np.dot(A, A)
        return powers[family.words[2]]
    psi = [onp.eye(family.latent_dim)] * family.group.order
    for g, i, h in family.words[1]:
        psi[g] = np.dot(mats[i], psi[h])
    return np.stack(psi)


def homomorphism_penalty(family, psi):
    """mean over generators s and elements g of ‖psi(s) psi(g) − psi(s∘g)‖² / L."""
    gens = family.words[0]
    wrong = [fast.squared_norm(np.matmul(psi[s], psi) - psi[family.group.table[s]]) for s in gens]
    return sum(wrong) / (len(gens) * family.group.order * family.latent_dim)


def operator_loss(model, family, penalty=1.0, reconstruction=1.0):
    """Objective on a batch (x1, g, x2) with psi computed from params at every call:
        (‖decode(psi(g) z1) − x2‖² + reconstruction ‖decode(z1) − x1‖²) / B
        + penalty · homomorphism_penalty,          z1 = encode(x1).
    One decoder pass for both codes, split (not sliced), squared norms by fast.squared_norm:
    fewer autograd calls a step, the same numbers as the slices and Σ r ** 2 bit for bit."""
    _checks.nonnegative("penalty", penalty)

    def objective(params, batch, rng=None):
        x1, g, x2 = batch
        psi = matrices(family, params)  # (|G|, L, L)
        z1 = model.encode(params, x1)
        z2 = np.einsum("bij,bj->bi", psi[g], z1)  # (B, L)
        B = x1.shape[0]
        decoded_x1, decoded_x2 = np.split(model.decode(params, np.concatenate([z1, z2])), 2)
        fit = fast.squared_norm(decoded_x2 - x2) + \
            reconstruction * fast.squared_norm(decoded_x1 - x1)
        return fit / B + penalty * homomorphism_penalty(family, psi)

    return objective


Learned = namedtuple("Learned", "params operator_params op psi loss restart history")


def fit_operator(family, pairs, penalty=1.0, restarts=3, seed=0, steps=1000, step_size=1e-2,
                 decay=1.0, batch_size=64):
    """Train a linear autoencoder with a learned operator `family` on pairs (x1, g, x2),
    `restarts` times from different starts; keep the lowest final loss on all the pairs.
    Returns Learned(params (the model's, for models.linear(group.shape, L)), operator_params,
    op (a matrix Operator), psi (|G|, L, L), loss, restart, history)."""
    _checks.positive("restarts", restarts, integer=True)
    _checks.seed("seed", seed)
    group = family.group
    model = models.linear(group.shape, family.latent_dim)
    objective = operator_loss(model, family, penalty)
    best = None
    for restart in range(restarts):
        rng = onp.random.default_rng([seed, restart])
        start = {**model.init(rng), **family.init(rng)}
        params, history = train.fit(objective, start, pairs, steps=steps, batch_size=batch_size,
                                    step_size=step_size, decay=decay, seed=seed + restart)
        value = float(objective(params, pairs))
        if best is None or value < best.loss:
            psi = onp.asarray(matrices(family, params))
            mine = {k: v for k, v in params.items() if k.startswith("psi_")}
            best = Learned({k: v for k, v in params.items() if k not in mine}, mine,
                           operators.from_matrices(group, psi, f"learned_{family.name}"),
                           psi, value, restart, history)
    return best


def irreducible_characters(group):
    """(irreps, |G|): representations.abelian_characters for abelian groups, else
    characters.character_table."""
    if group.factors is not None:
        return representations.abelian_characters(group)
    return characters.by_element(characters.character_table(group))


def read_multiplicities(group, psi):
    """psi (|G|, L, L) -> float (irreps,): m_i = 1/|G| Σ_g conj(chi_i(g)) tr psi(g), unrounded
    (integers exactly when psi is a representation), irreps as irreducible_characters."""
    chi = onp.trace(onp.asarray(psi), axis1=1, axis2=2)
    return (onp.conj(irreducible_characters(group)) @ chi).real / group.order
