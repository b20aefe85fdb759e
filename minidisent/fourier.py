"""The shift operator of an abelian group in the Fourier basis of its block axis (chapter 04):
complex diagonal (`fourier`) and real 2x2 rotation blocks (`real_fourier`).

With F = fourier_basis(G, L) (unitary) and R = real_fourier_basis(G, L) (orthogonal), both
acting on codes written as rows,
    fourier(Z @ F.T, g) == shift(Z, g) @ F.T,    real_fourier(Z @ R.T, g) == shift(Z, g) @ R.T
so a linear model trained with `shift` (encoder We, decoder Wd) predicts the same images with
`fourier` as (We @ F.T, F.conj() @ Wd) and with `real_fourier` as (We @ R.T, R @ Wd).
"""
import autograd.numpy as np

from . import _checks, representations
from .operators import Operator

def fourier_basis(group, latent_dim):
    """Unitary F (L, L), L = |G|·d: the code c = F z has block f = chi_f · z / sqrt|G|
    (the Fourier coefficient of frequency f along the block axis), F = kron(chi / sqrt|G|, I_d)."""
    _checks.latent(group, latent_dim, regular=True)
    chi = representations.abelian_characters(group)
    return np.kron(chi / np.sqrt(group.order), np.eye(latent_dim // group.order))


def fourier(group, latent_dim):
    """The shift operator in its complex diagonal form: Z complex (B, |G|·d), read as
    (|G|, d) blocks indexed by frequency f, and psi(g) multiplies block f by
    chi_f(g) = exp(2*pi*i f·m/n). Only for abelian groups (cyclic, translations, rotations)."""
    _checks.latent(group, latent_dim, regular=True)
    chi = representations.abelian_characters(group)  # (f, g); raises for non-abelian groups
    multipliers = np.repeat(chi.T, latent_dim // group.order, axis=1)  # (g, L)
    return Operator("fourier", group, latent_dim, lambda Z, g: Z * multipliers[g])


def _real_slots(group):
    """The |G| real coordinates of one channel: for each frequency f <= dual f in order,
    one slot (chi_f real: f self-dual) or two slots (Re, Im) of the pair f, -f.
    Returns (rows (|G|, |G|) of the orthogonal basis, frequency of each slot, partner slot,
    sign: -1 on Re slots, +1 on Im slots, 0 on self-dual slots)."""
    chi, conj_of = representations.abelian_characters(group), representations.dual(group)
    rows, freq, partner, sign = [], [], [], []
    for f in range(group.order):
        s = len(rows)
        if conj_of[f] == f:
            rows.append(chi[f].real)
            freq, partner, sign = freq + [f], partner + [s], sign + [0]
        elif f < conj_of[f]:
            rows += [np.sqrt(2) * chi[f].real, np.sqrt(2) * chi[f].imag]
            freq, partner, sign = freq + [f, f], partner + [s + 1, s], sign + [-1, 1]
    return (np.array(rows) / np.sqrt(group.order), np.array(freq), np.array(partner),
            np.array(sign), chi)


def real_fourier_basis(group, latent_dim):
    """Orthogonal R (L, L): the real code r = R z holds, per channel, chi_0-coefficient, then
    (sqrt2 Re, sqrt2 Im) of each Fourier coefficient pair f ~ -f, and the real self-dual ones."""
    _checks.latent(group, latent_dim, regular=True)
    return np.kron(_real_slots(group)[0], np.eye(latent_dim // group.order))


def real_fourier(group, latent_dim):
    """The shift operator in its real block form: Z real (B, |G|·d) in the slots of
    real_fourier_basis; g turns each (Re, Im) pair of frequency f by the angle 2*pi f·m/n
    (a 2x2 rotation block) and multiplies each self-dual slot by chi_f(g) = ±1."""
    _checks.latent(group, latent_dim, regular=True)
    _, freq, partner, sign, chi = _real_slots(group)
    d = latent_dim // group.order
    angle = np.angle(chi[freq]).T  # (g, slot)
    cos = np.where(sign == 0, chi[freq].real.T, np.cos(angle))
    sin = sign * np.sin(angle)

    def apply(Z, g):
        Z3 = np.reshape(Z, (Z.shape[0], group.order, d))
        out = Z3 * cos[g][:, :, None] + Z3[:, partner, :] * sin[g][:, :, None]
        return np.reshape(out, Z.shape)

    return Operator("real_fourier", group, latent_dim, apply)
