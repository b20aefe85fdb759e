"""Latent operators psi(g): how a group element moves a code z.

Every operator is called as op(Z, g): Z float (B, L), g int (B,) -> (B, L), row b is
psi(g[b]) Z[b]. It is a homomorphism, psi(g) psi(h) = psi(g∘h) and psi(0) = I.

- shift          the regular representation: z is |G| blocks of d numbers and g permutes
                 the blocks, (psi(g) z)[h] = z[g⁻¹∘h]. Every latent dimension moves.
- stacked_shift  the same for Z_n1 x ... x Z_nk, written as a roll of each grid axis.
- disentangled   one 2x2 rotation by 2π m_i / n_i per cyclic factor, on latent dims
                 (0, 1), (2, 3), ...; every other dimension is left alone.
- identity       psi(g) = I: an autoencoder with no operator.
- from_matrices  any given matrices psi(g), one per element (fitted or learned ones).
The Fourier forms of the shift operator are in fourier.py, a faster gradient in fast.py.
"""
import autograd.numpy as np

from . import _checks


class Operator:
    """psi as op(Z, g), with its `name`, `group` and `latent_dim`. Calling op checks Z and g;
    `apply(Z, g)` is the arithmetic alone (what a loss calls in its inner loop)."""

    def __init__(self, name, group, latent_dim, apply):
        self.name, self.group, self.latent_dim, self.apply = name, group, latent_dim, apply

    def __repr__(self):
        return f"operators.{self.name}({self.group.name}, latent_dim={self.latent_dim})"

    def __call__(self, Z, g):
        _checks.codes("Z", Z, self.latent_dim)
        return self.apply(Z, _checks.elements("g", g, self.group.order, length=len(Z)))

    def matrix(self, g):
        """psi(g) as a (L, L) array: op(z[None], [g])[0] == op.matrix(g) @ z."""
        return self.apply(np.eye(self.latent_dim), np.full(self.latent_dim, g)).T


def shift(group, latent_dim):
    """The regular representation on latent_dim = |G|·d."""
    _checks.latent(group, latent_dim, regular=True)
    d = latent_dim // group.order
    source = group.table[group.inverse]  # source[g, h] = g⁻¹∘h: the block that lands on h

    def apply(Z, g):
        B = Z.shape[0]
        blocks = np.reshape(Z, (B, group.order, d))  # (B, |G|, d)
        return np.reshape(blocks[np.arange(B)[:, None], source[g]], (B, latent_dim))

    return Operator("shift", group, latent_dim, apply)


def stacked_shift(group, latent_dim):
    """The shift operator of Z_n1 x ... x Z_nk without the table: z is read as (n1, ..., nk, d)
    and the element with exponents (m1, ..., mk) rolls axis i by m_i (for translations of an
    h x w torus, a roll of the (h, w, d) code along both grid axes). Equal to `shift`."""
    _checks.cyclic_factors(group, "the stacked shift operator (use shift)")
    _checks.latent(group, latent_dim, regular=True)
    source = stacked_index(group, latent_dim)  # (|G|, L)

    def apply(Z, g):
        return Z[np.arange(Z.shape[0])[:, None], source[g]]

    return Operator("stacked_shift", group, latent_dim, apply)


def stacked_index(group, latent_dim):
    """int (|G|, L): source[g, l] is the latent index rolled into l by g (see stacked_shift)."""
    d, n = latent_dim // group.order, np.array(group.factors)
    grid = np.indices(group.factors).reshape(len(n), -1)  # (k, |G|): each block's position
    exponents = group.coordinates(np.arange(group.order))  # (|G|, k)
    rolled = [np.ravel_multi_index(tuple((grid - m[:, None]) % n[:, None]), group.factors)
              for m in exponents]  # block (i - m) mod n lands on block i
    return np.stack([(r[:, None] * d + np.arange(d)).ravel() for r in rolled])


def disentangled(group, latent_dim):
    """One rotation plane per cyclic factor n_i: the element with exponents m_i turns
    plane i by 2π m_i / n_i. Only for products of cyclic groups (cyclic, translations,
    rotations): a non-commutative group has no faithful set of commuting planes."""
    _checks.cyclic_factors(group, "the disentangled operator")
    k = len(group.factors)
    _checks.latent(group, latent_dim, minimum=2 * k)
    cos, sin = plane_rotations(group)

    def apply(Z, g):
        x, y = Z[:, 0:2 * k:2], Z[:, 1:2 * k:2]  # (B, k) each: the planes' coordinates
        c, s = cos[g], sin[g]
        turned = np.reshape(np.stack([c * x - s * y, s * x + c * y], axis=2), (Z.shape[0], 2 * k))
        return np.concatenate([turned, Z[:, 2 * k:]], axis=1)

    return Operator("disentangled", group, latent_dim, apply)


def plane_rotations(group):
    """(cos, sin), each (|G|, k): the angle 2π m_i / n_i by which element g turns plane i."""
    angles = 2 * np.pi * group.coordinates(np.arange(group.order)) / np.array(group.factors)
    return np.cos(angles), np.sin(angles)


def identity(group, latent_dim):
    """psi(g) = I for every g: an autoencoder with no operator."""
    _checks.latent(group, latent_dim)
    return Operator("identity", group, latent_dim, lambda Z, g: Z)


def from_matrices(group, maps, name="matrices"):
    """The operator applying one matrix per element, maps (|G|, L, L):
    op(Z, g)[b] = maps[g[b]] @ Z[b], differentiable in Z; the matrices are kept as op.maps."""
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3 or maps.shape[0] != group.order or maps.shape[1] != maps.shape[2]:
        raise ValueError(f"maps: expected shape ({group.order}, L, L), got {maps.shape}")
    op = Operator(name, group, maps.shape[1], lambda Z, g: np.einsum("bij,bj->bi", maps[g], Z))
    op.maps = maps
    return op


OPERATORS = {"shift": shift, "stacked_shift": stacked_shift, "disentangled": disentangled,
             "identity": identity}


def make(name, group, latent_dim):
    """The operator called `name` (a key of OPERATORS) on (group, latent_dim)."""
    if name not in OPERATORS:
        raise ValueError(f"operator: expected one of {sorted(OPERATORS)}, got {name!r}")
    return OPERATORS[name](group, latent_dim)
