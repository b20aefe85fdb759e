"""Which operator for a latent size? The best one in closed form, and learned ones read
through their characters.

Best operator (abelian groups). A linear autoencoder with a real operator psi that holds
c_f copies of each real irrep f keeps, in the isotypic component of f, the top c_f
principal values of the data (Schur; closed_form.linear). A real irrep is a
self-dual character (chi_f real: 1 latent dim, copy j keeps spectrum[f][j]) or a pair
f ~ -f (a 2x2 rotation block: 2 dims, copy j keeps spectrum[f][j] + spectrum[-f][j]).
Choosing the copies under Σ dims <= L is a knapsack with concave gains; dynamic
programming over the dims solves it exactly.

Learned operators. A matrix psi(s) per generator s (or a parameterisation of it) is
extended along words, psi(s_1 ∘ ... ∘ s_k) = psi(s_1) ... psi(s_k), and trained with a
linear autoencoder on pairs (x1, g, x2) plus a homomorphism penalty
    mean over generators s and elements g of ‖psi(s) psi(g) − psi(s∘g)‖² / L,
zero exactly when the words respect the group's relations. What it learned is read
through characters: chi(g) = tr psi(g) and m_i = 1/|G| Σ_g conj(chi_i(g)) chi(g), near
integers when psi is near a homomorphism.
"""
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import (_checks, characters, closed_form, fast, models, operators, posthoc, representations,
               train)

Allocation = namedtuple("Allocation", "copies dims error op")
Allocation.__doc__ = """The best operator for a latent size (see best_operator).
copies  int (|G|,): copies of each complex irrep f (a pair f ~ -f: the same count on both)
dims    int: latent dims used, Σ copies over self-dual f + 2 Σ copies over pairs
error   predicted relative error (closed_form.optimal_error of the kept principal values)
op      the real block-diagonal Operator on latent_dim (unused dims: trivial)"""


def _real_irreps(group):
    """[(f, dual f, weight)] for f <= dual f: weight 1 (self-dual) or 2 (a pair)."""
    conj_of = representations.dual(group)
    return [(f, int(conj_of[f]), 1 if conj_of[f] == f else 2)
            for f in range(group.order) if f <= conj_of[f]]


def best_copies(spectrum, irreps, latent_dim):
    """Exact knapsack: copies (|G|,) maximising the kept energy Σ_f Σ_{j < c_f} spectrum[f][j]
    under Σ weight · copies <= latent_dim. spectrum: list over complex irreps
    (representations.spectrum)."""
    best = onp.zeros(latent_dim + 1)  # best[l]: most energy kept in at most l dims
    choices = []
    for f, g, w in irreps:
        gain = spectrum[f] + (spectrum[g] if g != f else 0)  # copy j keeps gain[j]
        prefix = onp.concatenate([[0.0], onp.cumsum(gain)])  # (m_f + 1,)
        new, chosen = best.copy(), onp.zeros(latent_dim + 1, dtype=int)
        for c in range(1, len(prefix)):
            if c * w > latent_dim:
                break
            candidate = best[: latent_dim + 1 - c * w] + prefix[c]  # for l = c w ... latent_dim
            better = candidate > new[c * w:] + 1e-12 * prefix[-1]
            new[c * w:][better], chosen[c * w:][better] = candidate[better], c
        best = new
        choices.append(chosen)
    copies, left = onp.zeros(len(spectrum), dtype=int), latent_dim
    for (f, g, w), chosen in zip(irreps[::-1], choices[::-1]):  # backtrack
        copies[f] = copies[g] = chosen[left]
        left -= chosen[left] * w
    return copies


def allocation_matrices(group, copies, latent_dim):
    """psi (|G|, L, L) real block-diagonal: copies[f] entries chi_f(g) = ±1 per self-dual f,
    copies[f] rotation blocks by the angle of chi_f(g) per pair f ~ -f, then identities."""
    chi = representations.characters(group)
    blocks = []
    for f, g, w in _real_irreps(group):
        for _ in range(int(copies[f])):
            if w == 1:
                blocks.append(chi[f].real[:, None, None])
            else:
                c, s = chi[f].real, chi[f].imag
                blocks.append(onp.stack([onp.stack([c, -s], 1), onp.stack([s, c], 1)], 1))
    used = sum(b.shape[1] for b in blocks)
    if used > latent_dim:
        raise ValueError(f"copies: expected at most {latent_dim} latent dims, they need {used}")
    psi = onp.zeros((group.order, latent_dim, latent_dim))
    i = 0
    for b in blocks + [onp.ones((group.order, 1, 1))] * (latent_dim - used):
        psi[:, i:i + b.shape[1], i:i + b.shape[1]] = b
        i += b.shape[1]
    return psi


def matrix_operator(group, psi, name="matrices"):
    """The Operator op(Z, g)[b] = psi[g[b]] @ Z[b] for psi (|G|, L, L), differentiable in Z
    (train.fit can train a model with it); the matrices are kept as op.maps."""
    psi = posthoc.matrix_operator(group, psi, name).maps  # checked: float (|G|, L, L)
    op = operators.Operator(name, group, psi.shape[1],
                            lambda Z, g: np.einsum("bij,bj->bi", psi[g], Z))
    op.maps = psi
    return op


def best_operator(group, X, latent_dim):
    """The operator on latent_dim that lets a linear autoencoder keep the most energy of
    X (B, *shape), for an abelian group -> Allocation (copies, dims, predicted error, op).
    X needs non-zero energy; data far from unit size (max |x| outside 2**±200) is divided by a
    power of two first (exact: the same copies and error). The knapsack runs over at most
    n_pixels dims (the pixels hold no more copies), and when |G|·latent_dim² > DENSE the op
    applies psi on the dims used and leaves the rest alone, never building (|G|, L, L)."""
    _checks.positive("latent_dim", latent_dim, integer=True)
    _checks.group("group", group)
    X = _checks.images("X", X, group.shape)
    top = onp.abs(X).max()
    if top == 0:
        raise ValueError("X: expected data with non-zero energy, got only zeros")
    if not 2.0 ** -200 < top < 2.0 ** 200:
        X = X / 2.0 ** int(onp.frexp(top)[1])
    spectrum = representations.spectrum(group, X)  # raises for non-abelian groups
    irreps = _real_irreps(group)
    copies = best_copies(spectrum, irreps, min(int(latent_dim), group.n_pixels))
    dims = int(sum(copies[f] * w for f, _, w in irreps))
    if group.order * latent_dim ** 2 <= DENSE:
        op = matrix_operator(group, allocation_matrices(group, copies, latent_dim), name="best")
    else:
        psi = posthoc.matrix_operator(group, allocation_matrices(group, copies, dims), "best").maps

        def apply(Z, g):  # psi on the first dims (|G|, dims, dims), the identity on the rest
            moved = np.einsum("bij,bj->bi", psi[g], Z[:, :dims])
            return np.concatenate([moved, Z[:, dims:]], axis=1)

        op = operators.Operator("best", group, int(latent_dim), apply)
    return Allocation(copies, dims, closed_form.optimal_error(spectrum, copies), op)


DENSE = 2 ** 22  # |G|·L² entries up to which best_operator's op holds dense matrices (op.maps)


# --- Learned operators ----------------------------------------------------------------

Parameterisation = namedtuple("Parameterisation", "name group latent_dim init generators words")
Parameterisation.__doc__ = """How psi(s) of each generator s comes from parameters.
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


def matrices(param, params):
    """psi (|G|, L, L) along words from the generators' matrices (differentiable)."""
    mats = param.generators(params)
    if len(mats) == 1:  # a cyclic group: psi(s^m) = A^m, the powers found by doubling
        powers, A = onp.eye(param.latent_dim)[None], mats[0]  # A^0 .. A^(k-1), then A^k
        while powers.shape[0] < param.group.order:
            powers = np.concatenate([powers, np.matmul(A, powers)])
            A = np.dot(A, A)
        return powers[param.words[2]]
    psi = [onp.eye(param.latent_dim)] * param.group.order
    for g, i, h in param.words[1]:
        psi[g] = np.dot(mats[i], psi[h])
    return np.stack(psi)


def homomorphism_penalty(param, psi):
    """mean over generators s and elements g of ‖psi(s) psi(g) − psi(s∘g)‖² / L."""
    gens = param.words[0]
    wrong = [fast.squared_norm(np.matmul(psi[s], psi) - psi[param.group.table[s]]) for s in gens]
    return sum(wrong) / (len(gens) * param.group.order * param.latent_dim)


def loss(model, param, penalty=1.0, reconstruction=1.0):
    """Objective on a batch (x1, g, x2) with psi computed from params at every call:
        (‖decode(psi(g) z1) − x2‖² + reconstruction ‖decode(z1) − x1‖²) / B
        + penalty · homomorphism_penalty,          z1 = encode(x1).
    One decoder pass for both codes, split (not sliced), squared norms by fast.squared_norm:
    fewer autograd calls a step, the same numbers as the slices and Σ r ** 2 bit for bit."""
    _checks.nonnegative("penalty", penalty)

    def objective(params, batch, rng=None):
        x1, g, x2 = batch
        psi = matrices(param, params)  # (|G|, L, L)
        z1 = model.encode(params, x1)
        z2 = np.einsum("bij,bj->bi", psi[g], z1)  # (B, L)
        B = x1.shape[0]
        decoded_x1, decoded_x2 = np.split(model.decode(params, np.concatenate([z1, z2])), 2)
        fit = fast.squared_norm(decoded_x2 - x2) + \
            reconstruction * fast.squared_norm(decoded_x1 - x1)
        return fit / B + penalty * homomorphism_penalty(param, psi)

    return objective


Learned = namedtuple("Learned", "params operator_params op psi loss restart history")


def fit(param, pairs, penalty=1.0, restarts=3, seed=0, steps=1000, step_size=1e-2, decay=1.0,
        batch_size=64):
    """Train a linear autoencoder with a learned operator `param` on pairs (x1, g, x2),
    `restarts` times from different starts; keep the lowest final loss on all the pairs.
    Returns Learned(params (the model's, for models.linear(group.shape, L)), operator_params,
    op (a matrix Operator), psi (|G|, L, L), loss, restart, history)."""
    _checks.positive("restarts", restarts, integer=True)
    _checks.seed("seed", seed)
    group = param.group
    model = models.linear(group.shape, param.latent_dim)
    objective = loss(model, param, penalty)
    best = None
    for restart in range(restarts):
        rng = onp.random.default_rng([seed, restart])
        start = {**model.init(rng), **param.init(rng)}
        params, history = train.fit(objective, start, pairs, steps=steps, batch_size=batch_size,
                                    step_size=step_size, decay=decay, seed=seed + restart)
        value = float(objective(params, pairs))
        if best is None or value < best.loss:
            psi = onp.asarray(matrices(param, params))
            mine = {k: v for k, v in params.items() if k.startswith("psi_")}
            best = Learned({k: v for k, v in params.items() if k not in mine}, mine,
                           matrix_operator(group, psi, name=f"learned_{param.name}"),
                           psi, value, restart, history)
    return best


def irreducible_characters(group):
    """(irreps, |G|): representations.characters for abelian groups, else
    characters.character_table."""
    if group.factors is not None:
        return representations.characters(group)
    return characters.by_element(characters.character_table(group))


def read_multiplicities(group, psi):
    """psi (|G|, L, L) -> float (irreps,): m_i = 1/|G| Σ_g conj(chi_i(g)) tr psi(g), unrounded
    (integers exactly when psi is a representation), irreps as irreducible_characters."""
    chi = onp.trace(onp.asarray(psi), axis1=1, axis2=2)
    return (onp.conj(irreducible_characters(group)) @ chi).real / group.order
