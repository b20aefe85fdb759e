"""Reading what a sequence model learned (chapter 12), with g known to the evaluator only.

The learned family. Pool the held-out sequences whose element is g and solve one M*(g) from
all their transitions: M*(g) (|G|, a, a). If the encoder is equivariant, H(g·x) = ρ(g) H(x)
for a representation ρ on the span of the codes, and M*(g) = ρ(g) there (0 off it). Then
    tr M*(g) = χ_ρ(g),    m_i = 1/|G| Σ_g conj(χ_i(g)) tr M*(g)   (learned.read_multiplicities),
    M*(g) M*(h) = M*(g∘h)   (posthoc.homomorphism_error, 0 for a representation),
and one basis diagonalises every M*(g) at once (an abelian group's irreps are characters):
the eigenvectors of a random combination Σ_g c_g M*(g), each of which carries one frequency.

The stabilizer. A per-sequence M* is fixed only on the span S of its conditioning codes.
For x with stabilizer H = G_x and ρ holding each irrep f once, the codes of x lie in the
irreps trivial on H (χ_f(h) = 1 for h in H), so dim S = Σ of their dimensions, |G|/|H| for
the regular representation; there M* = ρ(g), on S⊥ the ridge makes it 0, and
tr M* = Σ_{f trivial on H} χ_f(g): the regular character of G/H (|G/H| if g in H, else 0).
"""
import numpy as onp

from . import _checks, posthoc, representations, sequences


def family(seq, params, S, g, group, ridge=1e-3):
    """M*(g) (|G|, a, a): for each element, one solve from every transition of the
    sequences S (B, F, *shape) whose element g (B,) is that one (each element needs one)."""
    _checks.group("group", group)
    S = sequences.check_sequences("S", S, group.shape, 2)
    g = _checks.elements("g", g, group.order, length=len(S))
    missing = onp.setdiff1d(onp.arange(group.order), g)
    if missing.size:
        raise ValueError(f"g: expected every element of {group.name} among the sequences, "
                         f"got none with {missing[:5].tolist()}")
    H = onp.asarray(sequences.codes(seq, params, S))  # (B, F, a, m)
    maps = []
    for e in range(group.order):
        pooled = onp.transpose(H[g == e], (1, 2, 0, 3)).reshape(1, S.shape[1], seq.rows, -1)
        maps.append(sequences.transition(pooled, ridge)[0])
    return onp.stack(maps)


def homomorphism_error(group, maps):
    """Σ_{g,h} ‖M*(g) M*(h) − M*(g∘h)‖² / Σ ‖M*(g∘h)‖² (posthoc.homomorphism_error)."""
    return posthoc.homomorphism_error(group, maps)


def blocks(group, maps, seed=0):
    """Simultaneous diagonalisation of maps (|G|, a, a) of an abelian group: V from the
    eigenvectors of a random combination Σ_g c_g maps[g]. Returns (frequency int (a,), the
    irrep f (representations.abelian_characters order) each column of V carries; strength (a,),
    |1/|G| Σ_g conj(χ_f(g)) d(g)| for its diagonal entries d(g) (1 for an exact character,
    0 for a direction the maps send to 0); residual, the off-diagonal share Σ|offdiag|²/Σ|D|²
    of D(g) = V⁻¹ maps[g] V)."""
    chi = representations.abelian_characters(group)  # raises for a non-abelian group
    maps = onp.asarray(maps)
    if maps.ndim != 3 or maps.shape[0] != group.order or maps.shape[1] != maps.shape[2]:
        raise ValueError(f"maps: expected shape ({group.order}, a, a), got {maps.shape}")
    weights = onp.random.default_rng(seed).normal(size=group.order)
    _, V = onp.linalg.eig(onp.tensordot(weights, maps, axes=1))
    D = onp.linalg.solve(V[None], maps.astype(complex) @ V[None])  # (|G|, a, a)
    diagonal = onp.diagonal(D, axis1=1, axis2=2)  # (|G|, a)
    residual = float(1 - onp.sum(onp.abs(diagonal) ** 2) / onp.sum(onp.abs(D) ** 2))
    projection = onp.abs(onp.conj(chi) @ diagonal) / group.order  # (f, a)
    frequency = onp.argmax(projection, axis=0)
    return frequency, projection[frequency, onp.arange(maps.shape[1])], residual


def frame_errors(seq, params, S, conditioning, steps, form="free", ridge=1e-3, planes=1, step=None):
    """Relative error Σ‖x̂ − x‖² / Σ‖x‖² of each rolled-out frame k = 1..steps after the
    `conditioning` frames of S (B, F, *shape), F >= conditioning + steps -> (steps,)."""
    sequences.check_form(seq, conditioning, form, planes, step)
    S = sequences.check_sequences("S", S, seq.shape, conditioning + steps)
    _, ahead = sequences.predicted(seq, params, S, conditioning, form, ridge, planes, steps, step)
    frames = onp.asarray(sequences.decode(seq, params, ahead))
    truth = S[:, conditioning:conditioning + steps]
    axes = (0,) + tuple(range(2, S.ndim))
    return onp.sum((frames - truth) ** 2, axis=axes) / onp.sum(truth ** 2, axis=axes)


def span(seq, params, S, g, conditioning, maps, ridge=1e-3, tol=1e-6):
    """What a per-sequence M* is fixed on. For each sequence of S (B, F, *shape), g (B,):
    dim   the dimension of S, the span of its conditioning codes' columns (singular values
          above tol × the largest), int (B,)
    on    ‖(M* − M*(g)) Π_S‖ / ‖M*(g) Π_S‖: M* against the family maps (|G|, a, a) on S
    off   ‖M* Π_S⊥‖ / ‖M*(g) Π_S⊥‖ (0 when S is everything): what M* keeps off S
    trace tr M*, float (B,)
    Returns a dict of these arrays."""
    S = sequences.check_sequences("S", S, seq.shape, conditioning)
    g = _checks.elements("g", g, len(maps), length=len(S))
    H = onp.asarray(sequences.codes(seq, params, S))[:, :conditioning]
    M = onp.asarray(sequences.transition(H, ridge))  # (B, a, a)
    inputs = onp.transpose(H[:, :-1], (0, 2, 1, 3)).reshape(len(S), seq.rows, -1)
    out = {k: [] for k in ("dim", "on", "off", "trace")}
    for b in range(len(S)):
        U, s, _ = onp.linalg.svd(inputs[b], full_matrices=False)
        U = U[:, s > tol * s[0]]
        on, off = U @ U.T, onp.eye(seq.rows) - U @ U.T
        target = maps[g[b]]
        out["dim"].append(U.shape[1])
        out["on"].append(onp.linalg.norm((M[b] - target) @ on) / onp.linalg.norm(target @ on))
        out["off"].append(onp.linalg.norm(M[b] @ off) / max(onp.linalg.norm(target @ off), 1e-300))
        out["trace"].append(onp.trace(M[b]))
    return {k: onp.array(v) for k, v in out.items()}


def plane_frequency(seq, params, S, g, group, conditioning, planes=1):
    """Which frequency the disentangled form's first plane carries: the angle θ solved per
    sequence against g, k maximising mean cos(θ − 2π k m(g)/n) over the sequences whose
    plane holds a code (m(g) the coordinate of g in the first factor, n its order).
    Returns (k, that mean cosine, 1 for a plane that turns by exactly 2πk m/n)."""
    H = sequences.codes(seq, params, S)[:, :conditioning]
    cos, sin = (onp.asarray(v)[:, 0] for v in sequences.plane_angles(H, planes))
    used = cos ** 2 + sin ** 2 > 0.5
    n, m = group.factors[0], group.coordinates(g)[:, 0]
    theta = onp.arctan2(sin, cos)[used]
    scores = [onp.mean(onp.cos(theta - 2 * onp.pi * k * m[used] / n)) for k in range(n)]
    return int(onp.argmax(scores)), float(onp.max(scores))


def equivariant_params(seq, group, rng):
    """Params of a linear SequenceModel with rows = n_pixels whose code is exactly equivariant
    for an abelian group: column c of H(x) is B_c x, B_c = Σ_g w_c(g) ρ(g) (ρ the pixel
    representation, w random), which commutes with every ρ(h); so H(h·x) = ρ(h) H(x) and
    the family is ρ itself. The decoder is the least-squares inverse of the encoder."""
    if seq.kind != "linear" or seq.rows != group.n_pixels or not group.commutative:
        raise ValueError(f"seq: expected a linear model with rows = {group.n_pixels} for a "
                         f"commutative "
                         f"group, got {seq.kind} with rows {seq.rows} ({group.name})")
    rho = representations.pixel_matrices(group)  # (|G|, n, n)
    B = onp.tensordot(rng.normal(size=(seq.columns, group.order)), rho, axes=1)  # (m, n, n)
    encoder = onp.transpose(B, (2, 1, 0)).reshape(group.n_pixels, -1)  # x @ encoder = H.ravel()
    return {"encoder": encoder, "decoder": onp.linalg.pinv(encoder)}
