"""Latent operators psi(g): how a group element moves a code z.

Every operator is called as op(Z, g): Z float (B, latent_dim), g int (B,) -> (B, latent_dim),
vectorized over the batch and differentiable with autograd. It is a homomorphism:
psi(g) psi(h) = psi(g∘h) and psi(0) = I.

- shift: the regular representation. Z is read as (|G|, d) blocks and g permutes them,
  (psi(g) z)[h] = z[g⁻¹∘h]; every latent dimension moves (distributed).
- disentangled: one 2x2 rotation by 2*pi*m_i/n_i per cyclic factor, on latent dims
  (0, 1), (2, 3), ...; all other dims are left alone.
- identity: no operator (psi(g) = I), the plain autoencoder.
"""
import autograd.numpy as np
import numpy as onp
from autograd.extend import defvjp, primitive

from . import _checks


class Operator:
    """op(Z, g) with its `name`, `group` and `latent_dim`; `matrix(g)` is psi(g) as a matrix."""

    def __init__(self, name, group, latent_dim, apply):
        self.name, self.group, self.latent_dim, self._apply = name, group, latent_dim, apply

    def __repr__(self):
        return f"operators.{self.name}({self.group.name}, latent_dim={self.latent_dim})"

    def __call__(self, Z, g):
        if not (hasattr(Z, "shape") and len(Z.shape) == 2 and Z.shape[1] == self.latent_dim):
            raise ValueError(f"Z: expected codes of shape (B, {self.latent_dim}), "
                             f"got {getattr(Z, 'shape', type(Z).__name__)}")
        g = _checks.elements("g", g, self.group.order, length=Z.shape[0])
        return self._apply(Z, g)

    def matrix(self, g):
        """psi(g) as a (latent_dim, latent_dim) array: op(z[None], [g])[0] == matrix(g) @ z."""
        eye = onp.eye(self.latent_dim)
        return self(eye, onp.full(self.latent_dim, g)).T


def _latent(group, latent_dim, multiple=1, minimum=1):
    _checks.positive("latent_dim", latent_dim, integer=True)
    if latent_dim % multiple or latent_dim < minimum:
        need = f"a multiple of |G| = {multiple}" if multiple > 1 else f"at least {minimum}"
        raise ValueError(f"latent_dim: expected {need} for group {group.name}, got {latent_dim}")


@primitive
def permute_rows(Z, index, inverse_index):
    """Z (B, L), index int (B, L), each row a permutation -> out[b] = Z[b, index[b]].
    inverse_index[b] undoes index[b]; the gradient is the inverse gather (no scatter-add)."""
    B, L = Z.shape  # one gather from the flat Z: 2-3x faster than take_along_axis
    return onp.take(Z, index + L * onp.arange(B)[:, None])


defvjp(permute_rows, lambda ans, Z, index, inverse_index:
       lambda G: permute_rows(G, inverse_index, index))


def shift(group, latent_dim):
    """The regular representation on latent_dim = |G|·d: blocks permuted through the table."""
    _latent(group, latent_dim, multiple=group.order)
    blocks = group.table[group.inverse]  # blocks[g, h] = g⁻¹∘h  (|G|, |G|)
    return Operator("shift", group, latent_dim,
                    lambda Z, g: permute_blocks(Z, blocks[g], blocks[group.inverse[g]]))


def disentangled(group, latent_dim):
    """One rotation plane per cyclic factor n_i: element with exponents m_i turns plane i
    by 2*pi*m_i/n_i. Only for products of cyclic groups (cyclic, translations, rotations)."""
    if group.factors is None:
        why = ("is not commutative: no set of commuting rotation planes represents it faithfully"
               if not group.commutative else "was not built from cyclic factors; use cyclic, "
               "translations or rotations")
        raise ValueError(f"group: the disentangled operator needs a product of cyclic groups, "
                         f"{group.name} {why}")
    k = len(group.factors)
    _latent(group, latent_dim, minimum=2 * k)
    angles = 2 * onp.pi * group.coordinates(onp.arange(group.order)) / onp.array(group.factors)
    cos, sin = onp.cos(angles), onp.sin(angles)  # (|G|, k)

    def apply(Z, g):  # split, not sliced: the gradient of a slice is a slow np.add.at
        planes, rest = np.split(Z, [2 * k], axis=1)  # (B, 2k), (B, L - 2k)
        a, b = np.split(np.reshape(planes, (-1, k, 2)), 2, axis=2)  # (B, k, 1) each: the planes
        c, s = cos[g][:, :, None], sin[g][:, :, None]
        planes = np.concatenate([c * a - s * b, s * a + c * b], axis=2).reshape(Z.shape[0], 2 * k)
        return np.concatenate([planes, rest], axis=1)

    return Operator("disentangled", group, latent_dim, apply)


def identity(group, latent_dim):
    """psi(g) = I for every g: an autoencoder with no operator."""
    _latent(group, latent_dim)
    return Operator("identity", group, latent_dim, lambda Z, g: Z)


@primitive
def permute_blocks(Z, blocks, inverse_blocks):
    """Z (B, n·d) read as n blocks of d numbers, blocks int (B, n), each row a permutation ->
    out[b] = the blocks of Z[b] in the order blocks[b]. inverse_blocks[b] undoes blocks[b];
    the gradient is the inverse gather. One gather of whole blocks from the (B·n, d) view:
    d times fewer indices than permute_rows."""
    B, n = blocks.shape
    rows = blocks + n * onp.arange(B)[:, None]  # (B, n): block indices into the (B·n, d) view
    return onp.take(onp.reshape(Z, (B * n, -1)), rows, axis=0).reshape(Z.shape)


defvjp(permute_blocks, lambda ans, Z, blocks, inverse_blocks:
       lambda G: permute_blocks(G, inverse_blocks, blocks))
