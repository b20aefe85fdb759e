"""Latent operators that take an angle: psi(α) for SO(2), with α a float (chapter 13).

An AngleOperator is called as op(Z, alpha): Z float (B, L), alpha float (B,) radians ->
(B, L), row b is psi(α_b) Z[b]; psi(α)psi(β) = psi(α+β) for every pair of angles. It is a
sibling of operators.Operator (whose g are integer elements of a finite group; those
operators are untouched). The latent is laid out as planes first, then fixed dimensions:
plane i (dims 2i, 2i+1) turns by R(k_i α), the 2x2 rotation by k_i α; the rest is left alone.

- band_limited  the regular representation of SO(2) cut at frequency K: m_k planes of
                each frequency k = 1..K, then m_0 fixed dimensions (the trivial irrep).
- disentangled  one plane of frequency 1 (dims 0, 1); every other dimension fixed.
- no_operator   psi(α) = I.

Training on pairs (x1, α, x2 = S(α) x1) of so2 polar images: pairs, supervised_loss (the
loss of train.supervised_loss with angles), predict, error_by_angle; latent_matrices fits
the linear map a trained encoder's codes follow under a rotation (for so2.character_scan).
"""
import autograd.numpy as np
import numpy as onp

from . import _checks, fast, so2, train
from .models import check_params


class AngleOperator:
    """psi(α) as op(Z, alpha), with `name`, `frequencies` (int (P,), one per plane) and
    `latent_dim`. Calling op checks Z and alpha; `apply(Z, alpha)` is the arithmetic alone."""

    def __init__(self, name, frequencies, latent_dim):
        self.name, self.latent_dim = name, latent_dim
        self.frequencies = onp.asarray(frequencies, dtype=float)
        self.planes = len(self.frequencies)

    def __repr__(self):
        frequencies = self.frequencies.astype(int).tolist()
        return f"angle_operators.{self.name}(frequencies {frequencies}, " \
               f"latent_dim={self.latent_dim})"

    def apply(self, Z, alpha):
        if not self.planes:
            return Z
        turns = alpha[:, None] * self.frequencies  # (B, P)
        c, s = np.cos(turns), np.sin(turns)
        x, y = Z[:, 0:2 * self.planes:2], Z[:, 1:2 * self.planes:2]  # (B, P) each
        turned = np.stack([c * x - s * y, s * x + c * y], axis=2)  # (B, P, 2)
        turned = np.reshape(turned, (Z.shape[0], 2 * self.planes))
        return np.concatenate([turned, Z[:, 2 * self.planes:]], axis=1)

    def __call__(self, Z, alpha):
        _checks.codes("Z", Z, self.latent_dim)
        return self.apply(Z, so2.checked_angles("alpha", alpha, length=len(Z)))

    def matrix(self, alpha):
        """psi(α) as a (L, L) array: op(z[None], [α])[0] == op.matrix(α) @ z."""
        alpha = so2.checked_angles("alpha", onp.array([alpha], dtype=float))[0]
        return self.apply(onp.eye(self.latent_dim), onp.full(self.latent_dim, alpha)).T


def band_limited(multiplicities):
    """multiplicities (K+1,) ints: m_0 fixed dimensions and m_k planes of frequency k, k = 1..K;
    latent_dim = m_0 + 2 Σ_{k>=1} m_k. With every m_k = d this is d copies of the regular
    representation of SO(2) cut at K (on an odd grid of N = 2K+1 angles, C_N's regular one)."""
    m = onp.asarray(multiplicities)
    if m.ndim != 1 or m.size == 0 or not onp.issubdtype(m.dtype, onp.integer) or onp.any(m < 0) \
            or m.sum() == 0 or m.sum() > 10 ** 5:
        raise ValueError(f"multiplicities: expected non-negative ints (m_0, ..., m_K), not all 0, "
                         f"got {m.tolist() if m.size < 20 else m.shape}")
    frequencies = onp.repeat(onp.arange(1, m.size), m[1:])
    return AngleOperator("band_limited", frequencies, int(m[0] + 2 * m[1:].sum()))


def disentangled(latent_dim):
    """One plane of frequency 1 on dims 0, 1 (f_E); dims 2.. are left alone."""
    latent_dim = _checks.size("latent_dim", latent_dim, 10 ** 5)
    if latent_dim < 2:
        raise ValueError(f"latent_dim: expected at least 2 (one plane), got {latent_dim}")
    return AngleOperator("disentangled", [1], latent_dim)


def no_operator(latent_dim):
    """psi(α) = I: an autoencoder with no operator."""
    return AngleOperator("no_operator", [], _checks.size("latent_dim", latent_dim, 10 ** 5))


def operator(what, latent_dim, multiplicities):
    """The operator named `what` ("band_limited", "disentangled", "no_operator") on a latent of
    latent_dim (the band-limited one's size is set by its multiplicities)."""
    makers = {"band_limited": lambda: band_limited(multiplicities),
              "disentangled": lambda: disentangled(latent_dim),
              "no_operator": lambda: no_operator(latent_dim)}
    if what not in makers:
        raise ValueError(f"what: expected one of {sorted(makers)}, got {what!r}")
    return makers[what]()


# ---- training on pairs (x1, α, S(α) x1) ----------------------------------------------

def pairs(P, count, rng, low=0.0, high=2 * onp.pi):
    """count pairs (x1, alpha, x2): x1 rows of P (B, radii, N), N odd, drawn uniformly, alpha
    uniform on [low, high), x2 = S(alpha) x1 exactly (so2.rotate)."""
    P = so2.checked_polar("P", P)
    count = _checks.size("count", count, 10 ** 6)
    _checks.size("count x pixels", count * P[0].size, so2.MAX_NUMBERS)
    _checks.generator("rng", rng)
    low, high = so2.checked_angles("low, high", onp.array([low, high], dtype=float))
    if not low < high:
        raise ValueError(f"high: expected an angle above low = {low}, got {high}")
    x1 = P[rng.integers(0, len(P), count)]
    alpha = rng.uniform(low, high, count)
    return x1, alpha, so2.turn(x1, alpha)


def check_pairs(name, data, shape):
    if not isinstance(data, tuple) or len(data) != 3:
        raise TypeError(f"{name}: expected a tuple (x1, alpha, x2), got {type(data).__name__}")
    x1 = _checks.images(f"{name} x1", data[0], shape)
    x2 = _checks.images(f"{name} x2", data[2], shape)
    if len(x2) != len(x1):
        raise ValueError(f"{name} x2: expected {len(x1)} images (one per x1), got {len(x2)}")
    return x1, so2.checked_angles(f"{name} alpha", data[1], length=len(x1)), x2


def model_and_operator(model, op):
    _checks.model("model", model)
    if not isinstance(op, AngleOperator) or op.latent_dim != model.latent_dim:
        got = repr(op) if isinstance(op, AngleOperator) else type(op).__name__
        raise ValueError(f"op: expected an AngleOperator on latent_dim {model.latent_dim}, "
                         f"got {got}")


def supervised_loss(model, op, reconstruction=1.0, consistency=0.0):
    """train.supervised_loss with angles: on a batch (x1, alpha, x2), averaged over the batch,
        reconstruction ‖decode(z1) − x1‖² + ‖decode(psi(α) z1) − x2‖²
        + consistency ‖encode(x2) − psi(α) z1‖²,           z1 = encode(x1).
    With α uniform on the circle, pairs near α = 0 already ask for reconstruction."""
    model_and_operator(model, op)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("consistency", consistency)

    objective = train.pair_loss(model, op, reconstruction, consistency)  # its g: the angles
    objective.check = lambda params, data: (check_params(model, params, exact=False),
                                            check_pairs("data", data, model.shape))
    objective.value_and_grad = fast.value_and_grad_of(objective)
    return objective


def predict(model, params, op, x1, alpha):
    """x1 (B, *shape), alpha (B,) -> decode(psi(α) encode(x1)), the model's guess of S(α) x1."""
    model_and_operator(model, op)
    check_params(model, params)
    x1 = _checks.images("x1", x1, model.shape)
    alpha = so2.checked_angles("alpha", alpha, len(x1))
    return model.decode(params, op.apply(model.encode(params, x1), alpha))


def error_by_angle(model, params, op, P, test_angles):
    """The relative prediction error Σ‖x̂ − S(α)x‖² / Σ‖S(α)x‖² over the images
    P (B, radii, N) at each test angle: test_angles (A,) -> float (A,)."""
    P = so2.checked_polar("P", P)
    test_angles = so2.checked_angles("test_angles", test_angles)
    errors = []
    for a in test_angles:
        alpha = onp.full(len(P), a)
        target = so2.turn(P, alpha)
        guess = predict(model, params, op, P, alpha)
        errors.append(onp.sum((guess - target) ** 2) / onp.sum(target ** 2))
    return onp.array(errors)


def latent_matrices(encode, params, P, T):
    """The linear map the codes follow under rotation, fitted by least squares at T angles
    α_t = 2πt/T: M_t = argmin Σ_x ‖encode(S(α_t) x) − M encode(x)‖². encode(params, X)
    -> (B, L); P (B, radii, N) -> (T, L, L), for so2.character_scan."""
    P = so2.checked_polar("P", P)
    T = _checks.size("T", T, 4096)
    Z = onp.asarray(encode(params, P))
    out = []
    for t in range(T):
        turned = onp.asarray(encode(params, so2.turn(P, onp.full(len(P), 2 * onp.pi * t / T))))
        out.append(onp.linalg.lstsq(Z, turned, rcond=None)[0].T)
    return onp.stack(out)
