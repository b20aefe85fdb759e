"""The best operator for a latent size (abelian groups), in closed form.

A linear autoencoder with a real operator psi that holds c_f copies of each real irrep f
keeps, in the isotypic component of f, the top c_f principal values of the data (Schur;
closed_form.linear). A real irrep is a self-dual character (chi_f real: 1 latent dim, copy j
keeps spectrum[f][j]) or a pair f ~ -f (a 2x2 rotation block: 2 dims, copy j keeps
spectrum[f][j] + spectrum[-f][j]). Choosing the copies under Σ dims <= L is a knapsack with
concave gains; dynamic programming over the dims solves it exactly.
"""
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import _checks, closed_form, operators, representations

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
    chi = representations.abelian_characters(group)
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
        op = operators.from_matrices(group, allocation_matrices(group, copies, latent_dim), "best")
    else:
        psi = allocation_matrices(group, copies, dims)  # (|G|, dims, dims)

        def apply(Z, g):  # psi on the first dims (|G|, dims, dims), the identity on the rest
            moved = np.einsum("bij,bj->bi", psi[g], Z[:, :dims])
            return np.concatenate([moved, Z[:, dims:]], axis=1)

        op = operators.Operator("best", group, int(latent_dim), apply)
    return Allocation(copies, dims, closed_form.optimal_error(spectrum, copies), op)


DENSE = 2 ** 22  # |G|·L² entries up to which best_operator's op holds dense matrices (op.maps)
