"""Animations for the chapters, where motion is the point (matplotlib only).

Each function draws a few small frames with `matplotlib.animation.FuncAnimation` and returns
self-contained HTML (`_player.offline_html`): every frame an embedded PNG, the player's
buttons drawn with plain Unicode glyphs, nothing fetched from the network, so the page works on the
offline site and in JupyterLab (`IPython.display.HTML(...)`). Nothing is trained here: the
chapters pass in what they trained.

- orbit_codes        a symmetric image's orbit g·x and the codes encode(g·x) of each model
                     as g steps: the disentangled plane sits at the origin, the shift code moves
- probe_path         the defect probe's path y = x_sym + ε v as ε shrinks, with the codes of
                     y and h·y in latent dims 0-1 (the disentangled radius shrinks with ε)
- block_permutation  psi(g) of the shift operator permuting the latent blocks, as g steps
- sequence_rollout   a held-out sequence of chapter 12 rolled out by M*^k: frames and predictions,
                     and the codes in an eigenplane of M* (the rolled-out codes stay on the circle)
- angle_sweep        a k-fold polar pattern turned by S(α) over the circle (chapter 13): its
                     band-limited code turns by R(kα), its disentangled code stays at the origin
"""
import matplotlib.pyplot as plt
import numpy as np
from . import sequences, so2
from ._player import DPI, animate

def _check_runs(runs):
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs: expected a non-empty dict label -> recipes.Trained, "
                        f"got {type(runs).__name__}")
    for label, r in runs.items():
        if not all(hasattr(r, name) for name in ("model", "params", "op")):
            raise TypeError(f"runs[{label!r}]: expected a recipes.Trained (model, params, op), "
                            f"got {type(r).__name__}")
    return list(runs.items())


def _signal(x, group, name):
    x = np.asarray(x, dtype=float)
    if x.shape != tuple(group.shape) or len(group.shape) != 1:
        raise ValueError(f"{name}: expected one 1D signal of shape {tuple(group.shape)}, "
                         f"got {x.shape}")
    return x


def _plane(ax, scale, title):
    circle = np.linspace(0, 2 * np.pi, 100)
    ax.plot(scale * np.cos(circle), scale * np.sin(circle), ":", color="0.6")
    ax.plot([0], [0], "+", color="k")
    ax.set(xlim=(-1.4 * scale, 1.4 * scale), ylim=(-1.4 * scale, 1.4 * scale), aspect="equal",
           xlabel="latent dim 0", ylabel="latent dim 1", title=title)


def _elements(elements, group):
    elements = np.arange(group.order) if elements is None else np.asarray(elements)
    if elements.ndim != 1 or elements.size == 0 or elements.dtype.kind not in "iu" \
            or elements.min() < 0 or elements.max() >= group.order:
        raise ValueError(f"elements: expected integer group elements in [0, {group.order}), "
                         f"got {elements!r}")
    return elements


def orbit_codes(runs, x, typical, elements=None):
    """The orbit of a symmetric 1D signal x (n,) and, for each run (dict label -> recipes.Trained
    on the same group), the trail of its code's latent dims 0-1, encode(g·x)[:2], for each g
    of elements (default every element; for Z_n, range(n // |H|) covers the orbit once).
    typical: dict label -> the run's typical code radius (the dotted circle, e.g.
    defect.probe_curves(...)["typical"]). Returns HTML."""
    items = _check_runs(runs)
    group = items[0][1].op.group
    x = _signal(x, group, "x")
    elements_used = _elements(elements, group)
    orbit = group.orbit(x)[elements_used]                             # (E, n)
    codes = [np.asarray(r.model.encode(r.params, orbit))[:, :2] for _, r in items]  # (E, 2) each
    fig, axes = plt.subplots(1, 1 + len(items), figsize=(2.6 * (1 + len(items)), 2.6), dpi=DPI)
    line, = axes[0].plot(np.arange(x.size), orbit[0], marker=".")
    axes[0].set(xlabel="pixel", ylabel="intensity", ylim=(orbit.min() - 0.2, orbit.max() + 0.2))
    trails, dots = [], []
    for ax, (label, _), code in zip(axes[1:], items, codes):
        _plane(ax, typical[label], label)
        trails.append(ax.plot([], [], "-", color="C1", alpha=0.5)[0])
        dots.append(ax.plot([], [], "o", color="C3")[0])
    fig.tight_layout()

    def frame(i):
        line.set_ydata(orbit[i])
        axes[0].set_title(f"g·x, g = {elements_used[i]}")
        for trail, dot, code in zip(trails, dots, codes):
            trail.set_data(code[:i + 1, 0], code[:i + 1, 1])
            dot.set_data(code[i:i + 1, 0], code[i:i + 1, 1])
        return [line, *trails, *dots]
    return animate(fig, frame, len(orbit))


def probe_path(runs, x_sym, h, v, typical, eps=np.logspace(0, -4, 9)):
    """The defect probe's path y = x_sym + ε v (h·x_sym = x_sym) for each ε of eps (largest
    first), and for each run the codes of y and h·y in latent dims 0-1, with the radius
    ‖encode(y)[:2]‖ as a fraction of typical[label]. Returns HTML."""
    items = _check_runs(runs)
    group = items[0][1].op.group
    x_sym, v = _signal(x_sym, group, "x_sym"), _signal(v, group, "v")
    eps = np.asarray(eps, dtype=float)
    if eps.ndim != 1 or eps.size == 0 or not np.all(eps > 0):
        raise ValueError(f"eps: expected a 1-D array of values > 0, got {eps!r}")
    Y = x_sym[None] + eps[:, None] * v[None]                          # (E, n)
    hY = group.act(Y, np.full(len(Y), int(h)))
    codes = [(np.asarray(r.model.encode(r.params, Y))[:, :2],
              np.asarray(r.model.encode(r.params, hY))[:, :2]) for _, r in items]
    fig, axes = plt.subplots(1, 1 + len(items), figsize=(2.6 * (1 + len(items)), 2.6), dpi=DPI)
    ys = axes[0].plot(np.arange(x_sym.size), Y[0], ".-", np.arange(x_sym.size), hY[0], ".--")
    span = np.abs(Y).max() + 0.2
    axes[0].set(xlabel="pixel", ylabel="intensity", ylim=(-span, span))
    axes[0].legend(ys, ["y", "h·y"], fontsize="small", loc="lower right")
    points = []
    for ax, (label, _) in zip(axes[1:], items):
        _plane(ax, typical[label], label)
        points.append((ax.plot([], [], "o", color="C0")[0], ax.plot([], [], "s", color="C1")[0]))
    fig.tight_layout()

    def frame(i):
        ys[0].set_ydata(Y[i])
        ys[1].set_ydata(hY[i])
        axes[0].set_title(f"y = x_sym + ε v, ε = {eps[i]:.0e}", fontsize="small")
        for ax, (label, _), (z, hz), (p, hp) in zip(axes[1:], items, codes, points):
            p.set_data(z[i:i + 1, 0], z[i:i + 1, 1])
            hp.set_data(hz[i:i + 1, 0], hz[i:i + 1, 1])
            ax.set_title(f"{label}\nradius {np.linalg.norm(z[i]) / typical[label]:.1%} of typical",
                         fontsize="small")
        return [*ys, *(a for pair in points for a in pair)]
    return animate(fig, frame, len(eps))


def block_permutation(op, elements=None):
    """The shift operator op (operators.shift(G, |G|·d)) permuting the latent blocks: for each
    g of elements (default every element of G), the matrix psi(g) (L, L) and the code
    psi(g) z of the code z whose block h holds the label h: block h of psi(g) z shows
    g⁻¹∘h, the block it came from. Returns HTML."""
    if not all(hasattr(op, name) for name in ("group", "latent_dim", "matrix")):
        raise TypeError(f"op: expected an operators.Operator, got {type(op).__name__}")
    G, L = op.group, op.latent_dim
    d = L // G.order
    if op.name != "shift" or d * G.order != L:
        raise ValueError(f"op: expected operators.shift(group, |G|·d), got {op!r}")
    elements = _elements(elements, G)
    labels = np.repeat(np.arange(G.order), d).astype(float)          # (L,), block h holds h
    moved = op(np.tile(labels, (len(elements), 1)), elements)          # (E, L)
    fig, axes = plt.subplots(1, 2, figsize=(5.2, 2.8), dpi=DPI, width_ratios=[1, 0.35])
    matrix = axes[0].imshow(op.matrix(int(elements[0])), cmap="Greys", vmin=0, vmax=1)
    axes[0].set(xlabel="latent dim of z", ylabel="latent dim of psi(g) z")
    strip = axes[1].imshow(moved[0].reshape(G.order, d), cmap="hsv", vmin=0, vmax=G.order,
                           aspect="auto")
    axes[1].set(xticks=[], ylabel="block h of psi(g) z", title="came from")
    fig.colorbar(strip, ax=axes[1], label="source block g⁻¹∘h")
    fig.tight_layout()

    def frame(i):
        matrix.set_data(op.matrix(int(elements[i])))
        strip.set_data(moved[i].reshape(G.order, d))
        axes[0].set_title(f"psi(g), g = {elements[i]} of {G.name}")
        return [matrix, strip]
    return animate(fig, frame, len(elements))


def sequence_rollout(run, learned_run=None, element=1, conditioning=4, ridge=1e-3):
    """Chapter 12's held-out sequence (the first of run["test"] whose element is `element`),
    one frame t per step. Left: the frame x_t (n,) and, after the `conditioning` frames, its
    prediction decode(M*^k H_{c-1}) (run: a free-form run dict of claims.sequence_run) and, if
    given, learned_run's (form "learned"). Right: column 0 of the codes in the eigenplane of
    this sequence's M* that turns least (coordinate j of V⁻¹H, V the eigenvectors of M*):
    the true codes H_t and the rolled-out M*^k H_{c-1}; M* with the chapter's relative ridge.
    Returns HTML."""
    for name, r, form in (("run", run, "free"), ("learned_run", learned_run, "learned")):
        if r is None and name == "learned_run":
            continue
        if not isinstance(r, dict) or not {"seq", "params", "test", "form"} <= set(r):
            raise TypeError(f"{name}: expected a run dict of claims.sequence_run, "
                            f"got {type(r).__name__}")
        if r["form"] != form:
            raise ValueError(f"{name}: expected form {form!r}, got {r['form']!r}")
        sequences.check_form(r["seq"], conditioning, form, step=r.get("step"))
    S, g = run["test"]
    if S.ndim != 3:
        raise ValueError(f"run: expected held-out sequences of 1D signals (B, F, n), "
                         f"got shape {S.shape}")
    if not np.any(g == element) or S.shape[1] <= conditioning:
        raise ValueError(f"element: expected an element of the held-out sequences "
                         f"{sorted(set(np.asarray(g).tolist()))} (longer than {conditioning} "
                         f"frames), got {element!r}")
    S = S[np.flatnonzero(g == element)[:1]]                              # (1, F, n)
    seq, params = run["seq"], run["params"]
    H, ahead = sequences.predicted(seq, params, S, conditioning, ridge=ridge)  # (1, F, a, m), ...
    guesses = [np.asarray(sequences.decode(seq, params, ahead))[0]]   # (K, n) each
    if learned_run is not None:
        ahead_learned = sequences.predicted(learned_run["seq"], learned_run["params"], S,
                                            conditioning, "learned", step=learned_run["step"])[1]
        guesses.append(np.asarray(sequences.decode(learned_run["seq"], learned_run["params"],
                                                   ahead_learned))[0])
    M = np.asarray(sequences.transition(H[:, :conditioning], ridge))[0]  # (a, a)
    values, V = np.linalg.eig(M)
    turning = np.where(values.imag > 1e-6, np.angle(values), np.inf)
    j = int(np.argmin(turning))                                       # (all real: any j)
    true, rolled = (np.linalg.solve(V, np.asarray(A)[0])[:, j, 0] for A in (H, ahead))  # (F,), (K,)
    fig, axes = plt.subplots(1, 2, figsize=(5.6, 2.8), dpi=DPI)
    n, frames = S.shape[2], S.shape[1]
    styles = [("--", "M*^k"), (":", "learned MLP")][:len(guesses)]
    lines = axes[0].plot(np.arange(n), S[0, 0], ".-", color="k", label="x_t")
    lines += [axes[0].plot(np.arange(n), np.full(n, np.nan), st, label=label)[0]
              for st, label in styles]
    span = max(np.abs(S).max(), *(np.abs(x).max() for x in guesses)) + 0.2
    axes[0].set(xlabel="pixel", ylabel="intensity", ylim=(-span, span))
    axes[0].legend(fontsize="x-small", framealpha=0.6)
    radius = np.abs(true).max()
    _plane(axes[1], radius, f"eigenplane of M*, {np.degrees(np.angle(values[j])):.0f}° a step\n"
                           f"o: H_t, x: M*^k H_{conditioning - 1}")
    axes[1].title.set_fontsize("small")
    axes[1].set(xlabel="Re (V⁻¹H)ⱼ₀", ylabel="Im (V⁻¹H)ⱼ₀")
    trail = axes[1].plot([], [], "o-", color="C0", alpha=0.6)[0]
    ahead_trail = axes[1].plot([], [], "x", color="C1", markersize=9)[0]
    fig.tight_layout()

    def frame(t):
        k = t - conditioning + 1                                       # rolled-out step, if > 0
        lines[0].set_ydata(S[0, t])
        for line, guess in zip(lines[1:], guesses):
            line.set_ydata(guess[k - 1] if k > 0 else np.full(n, np.nan))
        axes[0].set_title(f"t = {t}: " + (f"rolled out, k = {k}" if k > 0 else "conditioning"),
                          fontsize="small")
        trail.set_data(true[:t + 1].real, true[:t + 1].imag)
        ahead_trail.set_data(rolled[:max(k, 0)].real, rolled[:max(k, 0)].imag)
        return [*lines, trail, ahead_trail]
    return animate(fig, frame, frames)


def angle_sweep(runs, x, generic, frames=10):
    """Chapter 13's defect as α sweeps the circle: x (radii, N) a k-fold polar pattern, generic
    (radii, N) a generic one, runs {"band_limited": (model, params, op), "disentangled": ...}
    (linear models of angle_defect). For α = 2πi/frames: the image S(α)x; the code of S(α)x in
    the band-limited plane of frequency k where it is largest (it turns by R(kα)); the
    disentangled plane f_E (dims 0-1) of S(α)x and of S(α)generic: the generic code turns by
    R(α), the k-fold one sits at the origin. Returns HTML."""
    if not isinstance(runs, dict) or not {"band_limited", "disentangled"} <= set(runs):
        raise TypeError(f"runs: expected a dict with keys 'band_limited' and 'disentangled' of "
                        f"(model, params, op), got {type(runs).__name__}")
    x, generic = so2.checked_polar("x", np.asarray(x)[None]), so2.checked_polar(
        "generic", np.asarray(generic)[None])
    if x.shape != generic.shape:
        raise ValueError(f"generic: expected the shape of x {x.shape[1:]}, got {generic.shape[1:]}")
    fold = int(so2.fold(x)[0])
    if fold < 2:
        raise ValueError(f"x: expected a pattern with k-fold symmetry, k >= 2, got fold {fold}")
    frames = int(frames)
    if not 2 <= frames <= 64:
        raise ValueError(f"frames: expected 2 to 64 frames, got {frames}")
    alphas = 2 * np.pi * np.arange(frames) / frames
    turned = so2.turn(np.repeat(np.concatenate([x, generic]), frames, axis=0),
                      np.tile(alphas, 2))                              # (2 frames, radii, N)
    codes = {}
    for name in ("band_limited", "disentangled"):
        model, params, op = runs[name]
        codes[name] = np.asarray(model.encode(params, turned)).reshape(2, frames, -1)
    band, op = codes["band_limited"][0], runs["band_limited"][2]      # (frames, L)
    planes = np.flatnonzero(op.frequencies == fold)
    if planes.size == 0:
        raise ValueError(f"runs: expected a band-limited operator with a plane of frequency "
                         f"{fold}, got frequencies {op.frequencies.astype(int).tolist()}")
    plane = planes[np.argmax([np.linalg.norm(band[:, 2 * p:2 * p + 2]) for p in planes])]
    band = band[:, 2 * plane:2 * plane + 2]
    plane_codes = codes["disentangled"][:, :, :2]                      # (2, frames, 2)
    fig, axes = plt.subplots(1, 3, figsize=(7.4, 2.5), dpi=DPI)
    radii, n = x.shape[1:]
    image = axes[0].imshow(turned[0], cmap="RdBu_r", aspect="auto", origin="lower",
                           vmin=-np.abs(turned).max(), vmax=np.abs(turned).max(),
                           extent=(-180 / n, 360 - 180 / n, 0.5, radii + 0.5))
    axes[0].set(xlabel="angle θ (degrees)", ylabel="ring")
    fig.colorbar(image, ax=axes[0], label="value")
    _plane(axes[1], max(np.linalg.norm(band, axis=1).max(), 1e-12),
           f"band-limited, frequency {fold}")
    scale = max(np.linalg.norm(plane_codes[1], axis=1).max(), 1e-12)
    _plane(axes[2], scale, "disentangled f_E")
    dots = [axes[1].plot([], [], "o-", color="C3", alpha=0.6)[0],
            axes[2].plot([], [], "o-", color="C0", alpha=0.6, label="generic")[0],
            axes[2].plot([], [], "s", color="C3", label=f"{fold}-fold")[0]]
    axes[2].legend(fontsize="small", loc="lower right")
    fig.tight_layout()

    def frame(i):
        image.set_data(turned[i])
        axes[0].set_title(f"S(α)x, α = {np.degrees(alphas[i]):.0f}°", fontsize="small")
        for dot, points in zip(dots, (band, plane_codes[1], plane_codes[0])):
            dot.set_data(points[:i + 1, 0], points[:i + 1, 1])
        return [image, *dots]
    return animate(fig, frame, frames)
