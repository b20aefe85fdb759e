"""Latent operators psi(g): how a group element moves a code z.

Every operator is called as op(Z, g): Z float (B, latent_dim), g int (B,) -> (B, latent_dim),
vectorized over the batch and differentiable with autograd. It is a homomorphism:
psi(g) psi(h) = psi(g∘h) and psi(0) = I.

- shift: the regular representation. Z is read as (|G|, d) blocks and g permutes them,
  (psi(g) z)[h] = z[g⁻¹∘h]; every latent dimension moves (distributed).
- disentangled: one 2x2 rotation by 2*pi*m_i/n_i per cyclic factor, on latent dims
  (0, 1), (2, 3), ...; all other dims are left alone.
- identity: no operator (psi(g) = I), the plain autoencoder.
- fourier, real_fourier: the shift operator of an abelian group in the Fourier basis of
  its block axis (complex diagonal; real 2x2 rotation blocks), see fourier_basis.
"""
import autograd.numpy as np
import numpy as onp
from autograd.extend import defvjp, primitive

from . import _checks
from . import fourier as _fourier


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
    _checks.group("group", group)
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
    _checks.group("group", group)
    _latent(group, latent_dim, multiple=group.order)
    blocks = group.table[group.inverse]  # blocks[g, h] = g⁻¹∘h  (|G|, |G|)
    return Operator("shift", group, latent_dim,
                    lambda Z, g: permute_blocks(Z, blocks[g], blocks[group.inverse[g]]))


def disentangled(group, latent_dim):
    """One rotation plane per cyclic factor n_i: element with exponents m_i turns plane i
    by 2*pi*m_i/n_i. Only for products of cyclic groups (cyclic, translations, rotations)."""
    _checks.group("group", group)
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


# The same regular representation in two other bases (abelian groups: group.factors).
# With F = fourier_basis(...) (unitary) and R = real_fourier_basis(...) (orthogonal), both
# acting on codes written as rows:
#     fourier(Z @ F.T, g) == shift(Z, g) @ F.T,    real_fourier(Z @ R.T, g) == shift(Z, g) @ R.T
# so a linear model trained with `shift` (encoder We, decoder Wd) predicts the same images
# with `fourier` as (We @ F.T, F.conj() @ Wd) and with `real_fourier` as (We @ R.T, R @ Wd).

def fourier_basis(group, latent_dim):
    """Unitary F (L, L), L = |G|·d: the code c = F z has block f = chi_f · z / sqrt|G|
    (the Fourier coefficient of frequency f along the block axis), F = kron(chi / sqrt|G|, I_d)."""
    _latent(group, latent_dim, multiple=group.order)
    chi = _fourier.characters(group)
    return onp.kron(chi / onp.sqrt(group.order), onp.eye(latent_dim // group.order))


def fourier(group, latent_dim):
    """The shift operator in its complex diagonal form: Z complex (B, |G|·d), read as
    (|G|, d) blocks indexed by frequency f, and psi(g) multiplies block f by
    chi_f(g) = exp(2*pi*i f·m/n). Only for abelian groups (cyclic, translations, rotations)."""
    _latent(group, latent_dim, multiple=group.order)
    chi = _fourier.characters(group)  # (f, g); raises for non-abelian groups
    multipliers = onp.repeat(chi.T, latent_dim // group.order, axis=1)  # (g, L)
    return Operator("fourier", group, latent_dim, lambda Z, g: Z * multipliers[g])


def _real_slots(group):
    """The |G| real coordinates of one channel: for each frequency f <= dual f in order,
    one slot (chi_f real: f self-dual) or two slots (Re, Im) of the pair f, -f.
    Returns (rows (|G|, |G|) of the orthogonal basis, frequency of each slot, partner slot,
    sign: -1 on Re slots, +1 on Im slots, 0 on self-dual slots)."""
    chi, conj_of = _fourier.characters(group), _fourier.dual(group)
    rows, freq, partner, sign = [], [], [], []
    for f in range(group.order):
        s = len(rows)
        if conj_of[f] == f:
            rows.append(chi[f].real)
            freq, partner, sign = freq + [f], partner + [s], sign + [0]
        elif f < conj_of[f]:
            rows += [onp.sqrt(2) * chi[f].real, onp.sqrt(2) * chi[f].imag]
            freq, partner, sign = freq + [f, f], partner + [s + 1, s], sign + [-1, 1]
    return (onp.array(rows) / onp.sqrt(group.order), onp.array(freq), onp.array(partner),
            onp.array(sign), chi)


def real_fourier_basis(group, latent_dim):
    """Orthogonal R (L, L): the real code r = R z holds, per channel, chi_0-coefficient, then
    (sqrt2 Re, sqrt2 Im) of each Fourier coefficient pair f ~ -f, and the real self-dual ones."""
    _latent(group, latent_dim, multiple=group.order)
    return onp.kron(_real_slots(group)[0], onp.eye(latent_dim // group.order))


def real_fourier(group, latent_dim):
    """The shift operator in its real block form: Z real (B, |G|·d) in the slots of
    real_fourier_basis; g turns each (Re, Im) pair of frequency f by the angle 2*pi f·m/n
    (a 2x2 rotation block) and multiplies each self-dual slot by chi_f(g) = ±1."""
    _latent(group, latent_dim, multiple=group.order)
    _, freq, partner, sign, chi = _real_slots(group)
    d = latent_dim // group.order
    angle = onp.angle(chi[freq]).T  # (g, slot)
    cos = onp.where(sign == 0, chi[freq].real.T, onp.cos(angle))
    sin = sign * onp.sin(angle)

    def apply(Z, g):
        Z3 = np.reshape(Z, (Z.shape[0], group.order, d))
        out = Z3 * cos[g][:, :, None] + Z3[:, partner, :] * sin[g][:, :, None]
        return np.reshape(out, Z.shape)

    return Operator("real_fourier", group, latent_dim, apply)


def stacked_shift(group, latent_dim):
    """The shift operator of a product of cyclic groups Z_{n_1} x ... x Z_{n_k} built
    without the table: Z is read as (B, n_1, ..., n_k, d) and the element with exponents
    (m_1, ..., m_k) rolls axis i by m_i (for translations of an h x w torus: a roll of
    the (h, w, d) code along its two grid axes). It equals `shift` on the same group."""
    if group.factors is None:
        raise ValueError(f"group: the stacked shift operator needs a product of cyclic groups "
                         f"(cyclic, translations, rotations), got {group.name}; use shift")
    _latent(group, latent_dim, multiple=group.order)
    d, n = latent_dim // group.order, onp.array(group.factors)
    blocks = onp.indices(group.factors).reshape(len(n), -1)  # (k, |G|): each block's position
    exponents = group.coordinates(onp.arange(group.order))  # (|G|, k)

    def rolled(m):  # gather index (L,) of the roll by m (k,): out[i, :] = z[(i - m) mod n, :]
        source = onp.ravel_multi_index(tuple((blocks - m[:, None]) % n[:, None]), group.factors)
        return (source[:, None] * d + onp.arange(d)).ravel()

    index = onp.stack([rolled(m) for m in exponents])  # (|G|, L)
    undo = onp.stack([rolled(-m) for m in exponents])  # the roll back by -m
    return Operator("stacked_shift", group, latent_dim,
                    lambda Z, g: permute_rows(Z, index[g], undo[g]))


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
