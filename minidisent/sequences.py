"""Learning from sequences (chapter 12): one linear map per sequence, solved in the latent.

Neither g nor the group is given. A sequence is (x, g·x, g²·x, ..., g^(F-1)·x) with one
element g per sequence, kept by the evaluator. An encoder maps each frame to a matrix
H_t (a, m) (a rows, m columns); the first c frames (the conditioning frames) give one
linear map per sequence in closed form, ridge least squares over their c - 1 transitions,
    M* = argmin_M Σ_{t<c-1} ‖H_{t+1} − M H_t‖² + λ s ‖M‖² = K (C + λ s I)⁻¹,
    C = Σ_t H_t H_tᵀ,  K = Σ_t H_{t+1} H_tᵀ,  s = tr C / a   (the ridge scales with the codes),
and the frames after them are predicted as decode(M*^k H_{c-1}) (Meta-Sequential Prediction,
Miyato et al. 2022, in miniature). M* is fixed by the data only on the span S of the
conditioning codes' columns; on S⊥ the ridge makes it 0.

`disentangled_transition` confines M* to the disentangled form: one 2×2 rotation per cyclic
factor on rows (0, 1), (2, 3), ..., its angle solved per sequence in closed form, identity
elsewhere. `transition_mlp` is the baseline: an MLP on the two latest codes.
Reading what was learned (characters, blocks, homomorphism, extrapolation): sequence_reading.py.
"""
from collections import namedtuple

import autograd.numpy as np
import numpy as onp

from . import _checks, data, digits, groups, models, sampling, train

SequenceModel = namedtuple("SequenceModel", "kind shape rows columns autoencoder")
SequenceModel.__doc__ = """An autoencoder whose code is a matrix H (rows, columns) per frame.
autoencoder  a models.Model with latent_dim = rows * columns (its params are the model's)"""


TASKS = ("signals", "torus", "digits")
MAX_COUNT = 100_000  # images of each kind a task draws


def task(name, count, rng, held_out=False):
    """Chapter 12's images by name -> (group, generic (count, *shape), symmetric (count, *shape)):
    "signals"  Z_8 shifting data.random_signals; symmetric: data.periodic_signals (periods 2, 4)
    "torus"    Z_3 x Z_3 translating data.random_blobs (width 0.6); symmetric: data.symmetric_images
    "digits"   C_8 rotating the real digits read on one ring of 8 angles (sampling.polar, radius
               2.5 pixels; the first 1000 digits, or the other 797 if held_out); symmetric:
               data.symmetric_images of other digits."""
    if name not in TASKS:
        raise ValueError(f"name: expected one of {TASKS}, got {name!r}")
    if _checks.positive("count", count, integer=True) > MAX_COUNT:
        raise ValueError(f"count: expected at most {MAX_COUNT} images of each kind, got {count}")
    _checks.generator("rng", rng)
    if name == "signals":
        return (groups.cyclic(8), data.random_signals(8, count, rng),
                data.periodic_signals(8, count, rng)[0])
    if name == "torus":
        G = groups.translations((3, 3))
        generic, other = (data.random_blobs((3, 3), count, rng, width=0.6) for _ in range(2))
        return G, generic, data.symmetric_images(G, other, rng)
    G = sampling.polar_rotations(1, 8, 8)
    images = digits.load()[0]
    pool = images[1000:] if held_out else images[:1000]
    if 2 * count > len(pool):
        raise ValueError(f"count: expected at most {len(pool) // 2} digits of each kind, "
                         f"got {count}")
    rings = sampling.polar(pool[rng.permutation(len(pool))[:2 * count]], 1, 8, r_max=2.5)
    return G, rings[:count], data.symmetric_images(G, rings[count:], rng)


def model(kind, shape, rows, columns, **options):
    """A SequenceModel: models.linear or models.mlp (options: hidden, gain) on images of
    `shape`, latent rows * columns."""
    if kind not in ("linear", "mlp"):
        raise ValueError(f"kind: expected 'linear' or 'mlp', got {kind!r}")
    _checks.positive("rows", rows, integer=True)
    _checks.positive("columns", columns, integer=True)
    build = models.linear if kind == "linear" else models.mlp
    auto = build(shape, rows * columns, **options)
    return SequenceModel(kind, auto.shape, int(rows), int(columns), auto)


def whitening(S, floor=1e-6):
    """From the frames of S (B, F, *shape) alone (no group, no g): W = C^(-1/2) and
    W⁻¹ (n, n), C the frames' second moment (eigenvalues floored at floor × the largest).
    Training on whitened frames and folding W back (fold) is a change of variables of a
    linear first layer: it weighs every direction of the data alike, so the weak ones are
    learned as fast as the strong ones."""
    if not isinstance(S, onp.ndarray) or S.ndim < 3:
        raise ValueError(f"S: expected sequences (B, F, *shape), got {type(S).__name__} "
                         f"of shape {onp.shape(S)}")
    flat = onp.reshape(check_sequences("S", S, S.shape[2:], 2), (-1, int(onp.prod(S.shape[2:]))))
    values, vectors = onp.linalg.eigh(flat.T @ flat / len(flat))
    values = onp.maximum(values, floor * values.max())
    return (vectors * values ** -0.5) @ vectors.T, (vectors * values ** 0.5) @ vectors.T


def whiten(S, W):
    """S (B, F, *shape) with every frame x replaced by W x (W symmetric (n, n))."""
    return onp.reshape(onp.reshape(S, (-1, len(W))) @ W, S.shape)


def fold(seq, params, W, W_inverse):
    """params trained on whitened frames -> the same model on the frames themselves: W into
    the encoder's first layer, W⁻¹ into the decoder's last (linear or MLP)."""
    first, last = ("encoder", "decoder") if seq.kind == "linear" else (
        "encoder_w0", f"decoder_w{sum(k.startswith('decoder_w') for k in params) - 1}")
    out = dict(params)
    out[first] = W @ params[first]
    out[last] = params[last] @ W_inverse
    if seq.kind == "mlp":
        bias = "decoder_b" + last[len("decoder_w"):]
        out[bias] = params[bias] @ W_inverse
    return out


def codes(seq, params, S):
    """S (B, F, *shape) -> H (B, F, rows, columns): each frame encoded."""
    B, F = S.shape[:2]
    Z = seq.autoencoder.encode(params, np.reshape(S, (B * F,) + seq.shape))
    return np.reshape(Z, (B, F, seq.rows, seq.columns))


def decode(seq, params, H):
    """H (B, K, rows, columns) -> frames (B, K, *shape)."""
    B, K = H.shape[:2]
    X = seq.autoencoder.decode(params, np.reshape(H, (B * K, seq.rows * seq.columns)))
    return np.reshape(X, (B, K) + seq.shape)


def _stacked(H):
    """H (B, T, a, m) -> (B, a, T m): the columns of every frame side by side."""
    B, T, a, m = H.shape
    return np.reshape(np.transpose(H, (0, 2, 1, 3)), (B, a, T * m))


def transition(H, ridge=1e-3):
    """The per-sequence least-squares map from every transition of H (B, T, a, m), T >= 2:
    M* (B, a, a) = K (C + ridge s I)⁻¹ (module docstring), differentiable in H."""
    P, Q = _stacked(H[:, :-1]), _stacked(H[:, 1:])  # (B, a, (T-1) m)
    C = np.matmul(P, np.transpose(P, (0, 2, 1)))  # (B, a, a)
    K = np.matmul(Q, np.transpose(P, (0, 2, 1)))
    a = H.shape[2]
    s = np.sum(P ** 2, axis=(1, 2)) / a + 1e-300  # (B,): tr C / a
    # C is symmetric: M*ᵀ = (C + λ s I)⁻¹ Kᵀ
    Mt = np.linalg.solve(C + ridge * s[:, None, None] * onp.eye(a), np.transpose(K, (0, 2, 1)))
    return np.transpose(Mt, (0, 2, 1))


def plane_angles(H, planes):
    """The best angle of each rotation plane (rows 2i, 2i+1) from every transition of
    H (B, T, a, m): the θ maximising Σ_t ⟨w_t, R(θ) u_t⟩ (u_t, w_t the plane's rows of
    H_t, H_{t+1}) is the angle of (c, s), c = Σ w·u, s = Σ (w_1 u_0 − w_0 u_1).
    Returns (cos θ, sin θ), each (B, planes); a plane with nothing in it gives (0, 0)."""
    P, Q = _stacked(H[:, :-1]), _stacked(H[:, 1:])
    tiny = 1e-12 * (np.sum(P ** 2, axis=(1, 2)) + 1e-300)  # (B,): relative to the codes
    cos, sin = [], []
    for i in range(planes):
        u0, u1, w0, w1 = P[:, 2 * i], P[:, 2 * i + 1], Q[:, 2 * i], Q[:, 2 * i + 1]
        c, s = np.sum(w0 * u0 + w1 * u1, axis=1), np.sum(w1 * u0 - w0 * u1, axis=1)
        r = np.sqrt(c ** 2 + s ** 2 + tiny)
        cos.append(c / r)
        sin.append(s / r)
    return np.stack(cos, axis=1), np.stack(sin, axis=1)


def disentangled_transition(H, planes=1):
    """M* (B, a, a) confined to the disentangled form: a rotation R(θ_i) on rows (2i, 2i+1)
    for each of `planes` planes, θ_i solved per sequence (plane_angles), identity elsewhere."""
    a = H.shape[2]
    if 2 * planes > a:
        raise ValueError(f"planes: expected at most rows // 2 = {a // 2} planes, got {planes}")
    cos, sin = plane_angles(H, planes)
    M = onp.eye(a)[None]
    for i in range(planes):
        diag, turn = onp.zeros((a, a)), onp.zeros((a, a))
        diag[2 * i, 2 * i] = diag[2 * i + 1, 2 * i + 1] = 1.0
        turn[2 * i + 1, 2 * i], turn[2 * i, 2 * i + 1] = 1.0, -1.0
        M = M + (cos[:, i] - 1)[:, None, None] * diag + sin[:, i][:, None, None] * turn
    return M


def rollout(M, H_last, steps):
    """M (B, a, a), H_last (B, a, m) -> (B, steps, a, m): M^k H_last for k = 1..steps."""
    out = []
    for _ in range(steps):
        H_last = np.matmul(M, H_last)
        out.append(H_last)
    return np.stack(out, axis=1)


def transition_mlp(seq, hidden=64):
    """The learned transition: H_{t+1} = H_t + W_1 tanh(W_0 [H_{t-1}, H_t] + b_0) + b_1, one
    MLP on the two latest codes (they tell it g). -> (init(rng) -> params, step(params, H2))
    with H2 (B, 2, a, m) -> (B, a, m); params keys start with "transition_"."""
    _checks.positive("hidden", hidden, integer=True)
    L = seq.rows * seq.columns
    shapes = {"transition_w0": (2 * L, hidden), "transition_b0": (hidden,),
              "transition_w1": (hidden, L), "transition_b1": (L,)}

    def init(rng):
        return {"transition_w0": rng.normal(0, 1 / onp.sqrt(2 * L), shapes["transition_w0"]),
                "transition_b0": onp.zeros(hidden),
                "transition_w1": rng.normal(0, 0.1 / onp.sqrt(hidden), shapes["transition_w1"]),
                "transition_b1": onp.zeros(L)}

    def step(params, H2):
        B = H2.shape[0]
        hid = np.tanh(np.reshape(H2, (B, 2 * L)) @ params["transition_w0"]
                      + params["transition_b0"])
        change = hid @ params["transition_w1"] + params["transition_b1"]
        return H2[:, 1] + np.reshape(change, (B, seq.rows, seq.columns))

    init.shapes = shapes
    return init, step


def learned_rollout(step, params, H, steps):
    """H (B, T, a, m), T >= 2 -> (B, steps, a, m), each code the step of the two before it."""
    last = [H[:, -2], H[:, -1]]
    out = []
    for _ in range(steps):
        last = [last[1], step(params, np.stack(last, axis=1))]
        out.append(last[1])
    return np.stack(out, axis=1)


FORMS = ("free", "disentangled", "learned")


def predicted(seq, params, S, conditioning, form="free", ridge=1e-3, planes=1, steps=None,
              step=None):
    """Codes of the frames after the conditioning ones: S (B, F, *shape) -> (H (B, F, a, m),
    predicted codes (B, steps, a, m), steps default F - conditioning). form: "free" (M*),
    "disentangled" (M* with `planes` rotation planes), "learned" (`step` of transition_mlp)."""
    H = codes(seq, params, S)
    steps = S.shape[1] - conditioning if steps is None else steps
    given = H[:, :conditioning]
    if form == "learned":
        return H, learned_rollout(step, params, given, steps)
    M = transition(given, ridge) if form == "free" else disentangled_transition(given, planes)
    return H, rollout(M, given[:, -1], steps)


def loss(seq, conditioning=3, form="free", ridge=1e-3, planes=1, reconstruction=1.0, step=None):
    """Objective on a batch (S,) of sequences S (B, F, *shape), F > conditioning:
        (Σ_k ‖decode(Ĥ_{c-1+k}) − x_{c-1+k}‖² + reconstruction Σ_t ‖decode(H_t) − x_t‖²) / B
    with Ĥ the predicted codes of `predicted` (the frames after the c conditioning ones)."""
    check_form(seq, conditioning, form, planes, step)
    _checks.nonnegative("reconstruction", reconstruction)
    _checks.nonnegative("ridge", ridge)

    def objective(params, batch, rng=None):
        S = batch[0]
        H, ahead = predicted(seq, params, S, conditioning, form, ridge, planes, step=step)
        frames = decode(seq, params, np.concatenate([ahead, H], axis=1))
        k = ahead.shape[1]
        value = np.sum((frames[:, :k] - S[:, conditioning:]) ** 2)
        if reconstruction:
            value = value + reconstruction * np.sum((frames[:, k:] - S) ** 2)
        return value / S.shape[0]

    def check(params, data):
        models.check_params(seq.autoencoder, params, exact=False)
        check_sequences("data[0]", data[0], seq.shape, conditioning + 1)

    objective.check = check
    return objective


def fit(seq, S, conditioning=4, form="free", steps=500, step_size=2e-2, seed=0, whitened=True,
        **options):
    """Train seq on sequences S (B, F, *shape) with train.fit (batches of 32, the step decayed
    tenfold), on whitened frames folded back after (whitening) if `whitened`; options go to
    loss (ridge, planes, reconstruction). form "learned" adds transition_mlp(seq).
    Returns (params, history, step): step is the learned transition (None otherwise)."""
    rng = onp.random.default_rng(seed)
    params = seq.autoencoder.init(rng)
    step = None
    if form == "learned":
        init, step = transition_mlp(seq)
        params.update(init(rng))
    W, W_inverse = whitening(S) if whitened else (None, None)
    objective = loss(seq, conditioning, form, step=step, **options)
    params, history = train.fit(objective, params, (whiten(S, W) if whitened else S,), steps=steps,
                                batch_size=32, step_size=step_size, decay=0.1, seed=seed)
    return (fold(seq, params, W, W_inverse) if whitened else params), history, step


def check_form(seq, conditioning, form, planes=1, step=None):
    """The door of loss and the readings: a SequenceModel, conditioning frames, the form."""
    if not isinstance(seq, SequenceModel):
        raise TypeError(f"seq: expected a sequences.model(...), got {type(seq).__name__}")
    if form not in FORMS:
        raise ValueError(f"form: expected one of {FORMS}, got {form!r}")
    need = 2
    if isinstance(conditioning, bool) or not isinstance(conditioning, (int, onp.integer)) \
            or conditioning < need:
        raise ValueError(f"conditioning: expected an integer number of frames >= {need} "
                         f"(M* needs at least one transition), got {conditioning!r}")
    if form == "disentangled":
        _checks.positive("planes", planes, integer=True)
        if 2 * planes > seq.rows:
            raise ValueError(f"planes: expected at most rows // 2 = {seq.rows // 2}, got {planes}")
    if form == "learned" and not callable(step):
        raise TypeError("step: expected the step function of transition_mlp(seq) for form "
                        "'learned', "
                        f"got {type(step).__name__}")


def check_sequences(name, S, shape, frames):
    """S a float array (B, F, *shape) with F >= frames, finite."""
    if not isinstance(S, onp.ndarray) or S.ndim != len(shape) + 2:
        got = f"shape {S.shape}" if isinstance(S, onp.ndarray) else type(S).__name__
        raise ValueError(f"{name}: expected sequences (B, F, {', '.join(map(str, shape))}), "
                         f"got {got}")
    _checks.images(name, S.reshape((-1,) + S.shape[2:]), shape)
    if S.shape[1] < frames:
        raise ValueError(f"{name}: expected at least {frames} frames per sequence "
                         f"(the conditioning "
                         f"frames and one to predict), got {S.shape[1]}")
    return S
