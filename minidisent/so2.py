"""SO(2), the group of rotations by any angle, acting exactly on polar images (chapter 13).

A polar image P (radii, N) holds N samples θ_j = 2πj/N of each ring (sampling.polar). Its
trigonometric interpolant along the angle axis is p(θ) = (1/N) Σ_k c_k e^{ikθ}, c = fft(p),
k the integer DFT frequencies (|k| <= (N-1)/2 for odd N). Turning the image by α
counter-clockwise gives p(θ − α), i.e.
    S(α) = F⁻¹ diag(e^{−ikα}) F          (angles α in radians, floats).
For odd N the frequencies pair as ±k, S(α) is real and α ↦ S(α) is an exact representation:
S(α)S(β) = S(α+β), S(2π) = I, and S(2πm/N) = np.roll(·, m). For even N the Nyquist mode
k = N/2 has no partner; the real part of the formula multiplies it by cos(Nα/2), which is
exact on the grid (α = 2πm/N) and breaks the group law off it (rotation_matrix).

Latent operators that take an angle, psi(α), are in angle_operators.py.
"""
import numpy as np

from . import _checks, sampling

MAX_ANGLES = 4097  # N of a polar image
MAX_MATRIX = 1025  # n of rotation_matrix, a dense (n, n) array
MAX_NUMBERS = 2 ** 24  # patterns: count x radii x N numbers at most (128 MiB of float64)


def checked_angles(name, alpha, length=None):
    """alpha as a finite float64 array (B,) of angles in radians (one per image if `length`)."""
    alpha = np.asarray(alpha)
    if alpha.dtype == bool or not np.issubdtype(alpha.dtype, np.floating):
        raise TypeError(f"{name}: expected angles in radians as a float array (B,), got dtype "
                        f"{alpha.dtype} (integer group elements belong to operators.Operator)")
    if alpha.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of angles (B,), got shape {alpha.shape}")
    if length is not None and len(alpha) != length:
        raise ValueError(f"{name}: expected {length} angles (one per image), got {len(alpha)}")
    if not np.all(np.isfinite(alpha)):
        bad = int((~np.isfinite(alpha)).sum())
        raise ValueError(f"{name}: expected finite angles, got {bad} NaN/inf")
    return alpha.astype(np.float64)


def odd_angles(name, n):
    """n, the number of angles of a polar image, as an odd int in [1, MAX_ANGLES]."""
    n = _checks.size(name, n, MAX_ANGLES)
    if n % 2 == 0:
        raise ValueError(f"{name}: expected an odd number of angles (for even N the Nyquist "
                         f"frequency N/2 breaks S(a)S(b) = S(a+b) off the grid), got {n}")
    return n


def frequencies(n):
    """int (n,): the DFT frequency of each fft bin, 0, 1, ..., then the negative ones."""
    n = _checks.size("n", n, MAX_ANGLES)
    return np.rint(np.fft.fftfreq(n) * n).astype(int)


def rotation_matrix(n, alpha):
    """S(α) as a real (n, n) matrix: (S p)[j] = Σ_l S[j, l] p[l]. Any n: for even n the
    Nyquist mode is multiplied by cos(nα/2) (the real part of e^{−i(n/2)α}), so
    S(a)S(b) − S(a+b) = (1/n) sin(na/2) sin(nb/2) (−1)^{j+l}, at most 1/n off the grid."""
    n = _checks.size("n", n, MAX_MATRIX)
    alpha = float(checked_angles("alpha", np.array([alpha], dtype=float))[0])
    k = frequencies(n)
    F = np.exp(-2j * np.pi * np.outer(k, np.arange(n)) / n)  # the DFT matrix, row k
    return np.real(np.conj(F).T @ (np.exp(-1j * k * alpha)[:, None] * F)) / n


def checked_polar(name, P):
    """P as a finite float array (B, radii, N) with N odd."""
    if not isinstance(P, np.ndarray) or P.ndim != 3:
        raise ValueError(f"{name}: expected polar images (B, radii, N), got "
                         f"{type(P).__name__} of shape {getattr(P, 'shape', None)}")
    odd_angles(f"{name} N (its last axis)", P.shape[2])
    return _checks.images(name, P, P.shape[1:])


def rotate(P, alpha):
    """P (B, radii, N), N odd, alpha float (B,) -> (B, radii, N): row b is S(α_b) P[b], the
    images turned by α_b counter-clockwise (exact for every angle: a representation)."""
    P = checked_polar("P", P)
    alpha = checked_angles("alpha", alpha, length=len(P))
    return turn(P, alpha)


def turn(P, alpha):
    """rotate without the checks: P (B, radii, N) with N odd, alpha (B,) -> (B, radii, N)."""
    k = frequencies(P.shape[2])
    phases = np.exp(-1j * alpha[:, None] * k)[:, None, :]  # (B, 1, N)
    return np.real(np.fft.ifft(np.fft.fft(P, axis=2) * phases, axis=2))


def grid_rotate(P, alpha):
    """The best rotation the grid itself gives: P (B, radii, N), alpha (B,) -> the roll by the
    nearest whole step round(α N / 2π) (any N). Its error off the grid is O(1/N)."""
    if not isinstance(P, np.ndarray) or P.ndim != 3:
        raise ValueError(f"P: expected polar images (B, radii, N), got {type(P).__name__}")
    P = _checks.images("P", P, P.shape[1:])
    alpha = checked_angles("alpha", alpha, length=len(P))
    steps = np.rint(alpha * P.shape[2] / (2 * np.pi)).astype(int)
    return np.stack([np.roll(p, m, axis=1) for p, m in zip(P, steps)])


def evaluate(coefficients, theta):
    """A ring with a given angular spectrum, read at any angles: coefficients complex
    (B, K+1) of the frequencies 0..K (p(θ) = Re Σ_k a_k e^{ikθ}), theta (T,) -> (B, T)."""
    if np.ndim(coefficients) != 2:
        raise ValueError(f"coefficients: expected a 2-D array (B, K+1) of spectra, got shape "
                         f"{np.shape(coefficients)}")
    coefficients = _checks.images("coefficients", coefficients, np.shape(coefficients)[1:],
                                  kind=np.inexact)
    theta = checked_angles("theta", theta)
    k = np.arange(coefficients.shape[1])
    return np.real(coefficients @ np.exp(1j * np.outer(k, theta)))


def smooth_ring(rng, band=64, decay=0.7):
    """The spectrum (band+1,) complex of one smooth ring: amplitude ~ decay^k at frequency k,
    the law of data.random_signals, here as a function of a continuous angle (evaluate)."""
    _checks.generator("rng", rng)
    band = _checks.size("band", band, MAX_ANGLES)
    a = (rng.normal(size=band + 1) + 1j * rng.normal(size=band + 1)) * decay ** np.arange(band + 1)
    a[0] = a[0].real
    return a


def rotation_errors(spectrum, n, alpha):
    """Turn a ring with the given spectrum (K+1,) sampled at n angles by alpha: the largest
    error of the best grid rotation and of S(α) (n odd), relative to the largest |p|, against
    the ring read at θ_j − α. Returns (grid error, Fourier error)."""
    n = odd_angles("n", n)
    theta = 2 * np.pi * np.arange(n) / n
    p = evaluate(spectrum[None], theta)[None]  # (1, 1, n)
    truth = evaluate(spectrum[None], theta - alpha)[0]
    a = np.array([float(alpha)])
    scale = np.abs(truth).max()
    return (float(np.abs(grid_rotate(p, a)[0, 0] - truth).max() / scale),
            float(np.abs(rotate(p, a)[0, 0] - truth).max() / scale))


def sampled_rotation_errors(x, radius, n, fine=8):
    """rotation_errors for one ring of a real image x (h, w), read by bilinear sampling
    (sampling.polar) at `radius` on n·fine angles: p holds every fine-th sample, alpha is the
    multiple of 2π/(n·fine) nearest 1 rad, the truth the samples it lands on. Returns
    (grid error, Fourier error, alpha)."""
    n = odd_angles("n", n)
    fine = _checks.size("fine", fine, 64)
    ring = sampling.polar(np.asarray(x, dtype=float)[None], 1, n * fine, r_max=radius)[0, 0]
    steps = int(round(n * fine / (2 * np.pi)))
    alpha = np.array([2 * np.pi * steps / (n * fine)])
    p, truth = ring[::fine][None, None], ring[(fine * np.arange(n) - steps) % (n * fine)]
    scale = np.abs(truth).max()
    return (float(np.abs(grid_rotate(p, alpha)[0, 0] - truth).max() / scale),
            float(np.abs(turn(p, alpha)[0, 0] - truth).max() / scale), float(alpha[0]))


# ---- symmetric patterns, their spectrum and the orbit bound -------------------------

def patterns(count, radii, n, fold, rng, band=None, decay=0.8):
    """Polar patterns (count, radii, n) with k-fold symmetry, k = `fold`: each ring is
    Re Σ_f a_f e^{ifθ} over the frequencies f = 0, k, 2k, ... <= band (default (n-1)/2),
    a_f complex normal times decay^f. fold = 1 gives generic patterns (every frequency).
    S(2π/k) fixes a k-fold pattern exactly: its stabilizer in SO(2) contains C_k."""
    n = odd_angles("n", n)
    count, radii, fold = (_checks.size(a, v, MAX_NUMBERS) for a, v in
                          (("count", count), ("radii", radii), ("fold", fold)))
    _checks.size("count x radii x n", count * radii * n, MAX_NUMBERS)
    _checks.generator("rng", rng)
    band = (n - 1) // 2 if band is None else _checks.size("band", band, (n - 1) // 2)
    _checks.positive("decay", decay)
    f = np.arange(0, band + 1, fold)
    a = (rng.normal(size=(count * radii, f.size)) + 1j * rng.normal(size=(count * radii, f.size)))
    spectrum = np.zeros((count * radii, band + 1), complex)
    spectrum[:, f] = a * decay ** f
    spectrum[:, 0] = spectrum[:, 0].real
    theta = 2 * np.pi * np.arange(n) / n
    return evaluate(spectrum, theta).reshape(count, radii, n)


def angular_energy(P):
    """P (B, radii, N), N odd -> float (B, (N+1)/2): the energy of each frequency |k| =
    0..(N-1)/2 (±k together), summed over the radii, with Σ_k energy = ‖P[b]‖² (Parseval)."""
    P = checked_polar("P", P)
    n = P.shape[2]
    power = np.sum(np.abs(np.fft.fft(P, axis=2)) ** 2, axis=1) / n  # (B, N)
    bins = np.abs(frequencies(n))[:, None] == np.arange(n // 2 + 1)  # (N, K+1): bin -> |k|
    return power @ bins


def fold(P, tolerance=1e-10):
    """The order k of the largest finite cyclic group C_k fixing each pattern: the gcd of the
    frequencies it holds (energy above tolerance x its total); 0 if it holds frequency 0
    only (fixed by every rotation). P (B, radii, N) -> int (B,)."""
    energy = angular_energy(P)
    held = energy > tolerance * energy.sum(axis=1, keepdims=True)
    return np.array([np.gcd.reduce(np.flatnonzero(h[1:]) + 1) if h[1:].any() else 0 for h in held])


def orbit_bound(P, tolerance=1e-10):
    """The disentangled operator's floor on SO(2) (one frequency-1 plane). If C_k, k >= 2,
    fixes x, an equivariant code has f_E(x) = R(2π/k) f_E(x), so f_E(x) = 0: the whole orbit
    {S(α)x} gets one code, and the best decoder outputs the orbit's mean. The floor is an
    integral over the circle, read from the angular spectrum c_k by Parseval:
        bound(x) = (1/2π) ∫ ‖S(α)x − mean‖² dα / ‖x‖² = Σ_{k≠0} |c_k|² / Σ_k |c_k|²
    and 0 for an image no C_k (k >= 2) fixes. P (B, radii, N) -> (bound (B,), total): total
    = Σ‖x − mean‖² / Σ‖x‖² over the symmetric images and 0 over the others."""
    energy = angular_energy(P)
    symmetric = fold(P, tolerance) >= 2
    moving = np.where(symmetric, energy[:, 1:].sum(axis=1), 0.0)
    return moving / energy.sum(axis=1), float(moving.sum() / energy.sum())


def linear_floor(P):
    """What any linear model with the disentangled operator misses on an image, whatever its
    symmetry: as a function of α its prediction holds the frequencies 0 and ±1 only, so the
    energy of |k| >= 2 stays out. P (B, radii, N) -> float (B,) relative to ‖x‖²."""
    energy = angular_energy(P)
    return energy[:, 2:].sum(axis=1) / energy.sum(axis=1)


# ---- characters of SO(2) on a continuous frequency grid -----------------------------

def character_scan(matrices, omegas, turns=1):
    """Read a representation's frequencies from its character, as a Fourier transform over
    the circle. matrices (T, L, L): M(α_t) at α_t = 2πt/T; omegas float (W,) -> float (W,):
    |(1/(T·turns)) Σ_t χ(α_t) e^{−iωα_t}| over `turns` turns, χ = tr M (2π-periodic, so the T
    samples repeat). For a real representation holding m_k copies of R(kα) (m_0 of the
    trivial one) the value at an integer ω = k is m_k, exactly when T > 2·(its largest
    frequency); between integers each frequency leaks like a sinc of width 1/turns."""
    M = np.asarray(matrices)
    if M.ndim != 3 or M.shape[1] != M.shape[2] or not np.issubdtype(M.dtype, np.floating):
        raise ValueError(f"matrices: expected float (T, L, L), got {M.dtype} {M.shape}")
    omegas = checked_angles("omegas", omegas)
    turns = _checks.size("turns", turns, 64)
    chi = np.tile(np.trace(M, axis1=1, axis2=2), turns)  # (T·turns,)
    alpha = 2 * np.pi * np.arange(len(chi)) / len(M)
    return np.abs(np.exp(-1j * np.outer(omegas, alpha)) @ chi) / len(chi)


def multiplicities(P, target=0.05):
    """How many copies of each irrep of SO(2) the images P (B, radii, N), N odd, need: the
    fewest latent dimensions whose best linear code (per frequency k, the top principal
    directions of the radial coefficients c_k, 1 dimension each for k = 0, 2 for k >= 1)
    leaves a relative error <= target, taken greedily by energy per dimension.
    Returns int (K+1,), K the largest frequency kept: m_0, m_1, ..., m_K."""
    P = checked_polar("P", P)
    _checks.positive("target", target)
    c = np.fft.fft(P, axis=2)  # (B, radii, N)
    total = np.sum(np.abs(c) ** 2)
    per_dimension, frequency = [], []
    for k in range(P.shape[2] // 2 + 1):
        covariance = np.einsum("br,bs->rs", c[:, :, k], np.conj(c[:, :, k]))  # (radii, radii)
        power = np.clip(np.linalg.eigvalsh(covariance), 0, None) / total  # +k alone: half of ±k
        per_dimension += list(power)
        frequency += [k] * len(power)
    order = np.argsort(per_dimension)[::-1]
    kept = np.cumsum([per_dimension[i] * (1 if frequency[i] == 0 else 2) for i in order])
    chosen = np.array(frequency)[order[:int(np.searchsorted(kept, 1 - target)) + 1]]
    return np.bincount(chosen, minlength=chosen.max() + 1)


def closed_form(P, multiplicities):
    """An exactly equivariant linear code for angle_operators.band_limited(multiplicities):
    per frequency k, the top m_k principal directions u of the radial coefficients c_k
    (B, radii) of P (B, radii, N), N odd; the code of x holds w = u^H c_k(x) as the plane
    sqrt(2/N) (Re w, −Im w) (k >= 1; it turns by R(kα) since c_k(S(α)x) = e^{−ikα} c_k(x))
    and sqrt(1/N) w (k = 0). Returns params {"encoder": (radii·N, L), "decoder": (L, radii·N)}
    of models.linear: orthonormal columns, decoder = encoder.T, prediction error the energy
    outside the code at every angle."""
    P = checked_polar("P", P)
    m = np.asarray(multiplicities)
    radii, n = P.shape[1:]
    if m.ndim != 1 or not np.issubdtype(m.dtype, np.integer) or len(m) > n // 2 + 1 \
            or np.any(m < 0) or np.any(m > radii):
        raise ValueError(f"multiplicities: expected ints in [0, {radii}] for frequencies "
                         f"0..{n // 2}, got {m.tolist()}")
    c = np.fft.fft(P, axis=2)  # (B, radii, N)
    j = np.arange(n)
    planes, fixed = [], []
    for k in range(len(m)):
        if not m[k]:
            continue
        _, vectors = np.linalg.eigh(np.einsum("br,bs->rs", c[:, :, k], np.conj(c[:, :, k])))
        u = vectors[:, ::-1][:, :m[k]]  # (radii, m_k), by decreasing energy
        wave = np.exp(-2j * np.pi * k * j / n)  # w = Σ_r,j conj(u_r) p[r, j] e^{−2πikj/N}
        columns = np.conj(u)[:, None, :] * wave[None, :, None]  # (radii, N, m_k): w = <p, col>
        columns = columns.reshape(radii * n, m[k])
        if k == 0:
            fixed.append(np.real(columns) / np.sqrt(n))
        else:
            pair = np.stack([np.real(columns), -np.imag(columns)], axis=2) * np.sqrt(2 / n)
            planes.append(pair.reshape(radii * n, 2 * m[k]))
    encoder = np.concatenate(planes + fixed, axis=1)
    return {"encoder": encoder, "decoder": encoder.T.copy()}
