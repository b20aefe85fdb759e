"""Figures for the course and `python -m minidisent` (matplotlib only). Every function
draws on a given Axes (or makes a figure) and returns the Figure; nothing is shown."""
import matplotlib.pyplot as plt
import numpy as np


def _axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def signals(X, labels=None, ax=None, title=None, figsize=(6, 3)):
    """Line plot of 1D signals X (k, n) on the pixel ring."""
    fig, ax = _axes(ax, figsize)
    X = np.atleast_2d(X)
    for i, x in enumerate(X):
        ax.plot(np.arange(x.size), x, marker=".", label=None if labels is None else labels[i])
    ax.set_xlabel("pixel")
    ax.set_ylabel("intensity")
    if title:
        ax.set_title(title)
    if labels is not None:
        ax.legend(fontsize="small")
    return fig


def orbit(group, x, columns=8, figsize=None):
    """Every g·x of an image x: a grid of images (2D) or stacked rows (1D)."""
    images = group.orbit(x)
    if images.ndim == 2:  # 1D signals: one row per element
        fig, ax = plt.subplots(figsize=figsize or (6, 3))
        vmax = max(np.abs(images).max(), 1e-12)
        fig.colorbar(ax.imshow(images, cmap="RdBu_r", aspect="auto", vmin=-vmax, vmax=vmax), ax=ax,
                     label="intensity")
        ax.set_xlabel("pixel")
        ax.set_ylabel("group element g")
        ax.set_title(f"orbit of x under {group.name}: row g is g·x")
        return fig
    rows = -(-group.order // columns)
    fig, axes = plt.subplots(rows, columns, figsize=figsize or (1.2 * columns + 1, 1.2 * rows))
    vmax = max(np.abs(images).max(), 1e-12)  # one colour scale for the whole orbit
    for g, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if g < group.order:
            ax.imshow(images[g], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_title(f"g={g}", fontsize="small")
    fig.colorbar(np.ravel(axes)[0].images[0], ax=axes, shrink=0.8, label="intensity")
    return fig


def predictions(target, predicted, labels, ax=None, title=None, figsize=(6, 3)):
    """A 1D target x2 (n,) against the predictions of several models (k, n)."""
    fig, ax = _axes(ax, figsize)
    ax.plot(target, color="black", linewidth=3, alpha=0.3, label="target g·x1")
    for p, label in zip(predicted, labels):
        ax.plot(p, marker=".", label=label)
    return _labelled(fig, ax, "pixel", "intensity", title)


def energies(fractions, labels, ax=None, title=None, figsize=(7, 3)):
    """Grouped bars: fraction of each data set's energy in each irrep, fractions (k, r)."""
    fig, ax = _axes(ax, figsize)
    fractions = np.atleast_2d(fractions)
    width = 0.8 / len(fractions)
    for i, (f, label) in enumerate(zip(fractions, labels)):
        ax.bar(np.arange(f.size) + (i - (len(fractions) - 1) / 2) * width, f, width, label=label)
    ax.set_xticks(np.arange(fractions.shape[1]))
    return _labelled(fig, ax, "irrep (frequency f)", "fraction of energy", title)


def _labelled(fig, ax, xlabel, ylabel, title):
    """Axis labels, the legend outside the data (right of the axes), the title if any."""
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if title:
        ax.set_title(title)
    return fig


def defect_probe(eps, ratios, radii=None, typical=None, figsize=(9, 3.5)):
    """The defect probe on log–log axes. eps float (E,); ratios {label: (E,)} of
    ‖f(y) − f(h·y)‖ / ‖y − h·y‖, drawn with a 1/ε reference line through the first
    curve's value at the largest ε; radii {label: (E,)} of the code radius ‖f_E(y)‖ in a
    second panel, divided by typical {label: float} when given (then 1% is marked)."""
    eps = np.asarray(eps)
    panels = 1 if radii is None else 2
    fig, axes = plt.subplots(1, panels, figsize=figsize, squeeze=False)
    ax = axes[0, 0]
    for label, ratio in ratios.items():
        ax.loglog(eps, ratio, marker="o", label=label)
    first = np.asarray(next(iter(ratios.values())))
    top = np.argmax(eps)
    ax.loglog(eps, first[top] * eps[top] / eps, "k--", linewidth=1, label="slope −1 (1/ε)")
    ax.set_xlabel("distance to the symmetric image ε (‖v‖ = 1)")
    ax.set_ylabel("‖f(y) − f(h·y)‖ / ‖y − h·y‖")
    ax.set_title("defect probe: encoder slope across h")
    ax.legend(fontsize="small")
    if radii is not None:
        ax = axes[0, 1]
        for label, radius in radii.items():
            scale = 1.0 if typical is None else typical[label]
            ax.loglog(eps, np.asarray(radius) / scale, marker="o", label=label)
        if typical is not None:
            ax.axhline(0.01, color="gray", linestyle=":", label="1% of typical")
        ax.set_xlabel("distance to the symmetric image ε (‖v‖ = 1)")
        ax.set_ylabel("‖f_E(y)‖" + (" / typical ‖f_E(x)‖" if typical is not None else ""))
        ax.set_title("code radius in the rotation plane (dims 0–1)")
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def image_grid(X, titles=None, columns=6, figsize=None, vmax=None):
    """2D images X (k, h, w) in a grid, one shared colour scale (red +, blue -), titled."""
    X = np.asarray(X)
    rows = -(-len(X) // columns)
    figsize = figsize or (1.5 * columns, 1.6 * rows)
    fig, axes = plt.subplots(rows, columns, figsize=figsize, squeeze=False)
    vmax = max(np.abs(X).max(), 1e-12) if vmax is None else vmax
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < len(X):
            ax.imshow(X[i], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            if titles is not None:
                ax.set_title(titles[i], fontsize="small")
    fig.colorbar(axes[0, 0].images[0], ax=axes, shrink=0.8, label="intensity")
    return fig


def _label(result):
    if result.operator == "identity":
        return f"{result.kind}, no operator"
    return f"{result.kind} + {result.operator}"


def error_bars(results, ax=None, title=None, figsize=(7, 3)):
    """Held-out relative prediction error of x2, generic vs symmetric signals, one pair of
    bars per recipes.Trained; log scale when the errors span over 2 decades."""
    fig, ax = _axes(ax, figsize)
    where = np.arange(len(results))
    parts = ("generic", "symmetric")
    errors = np.array([[r.errors["prediction"][p] for p in parts] for r in results])
    log = errors.max() > 100 * errors.min()
    bottom = 10.0 ** np.floor(np.log10(errors.min())) if log else 0.0
    bars = ((-0.2, "generic", "tab:blue"), (0.2, "symmetric", "tab:orange"))
    for j, (offset, part, color) in enumerate(bars):
        ax.bar(where + offset, errors[:, j] - bottom, bottom=bottom, width=0.4, color=color,
               label=f"{part} signals")
    if log:
        ax.set_yscale("log")
    ax.set_xticks(where)
    ax.set_xticklabels([_label(r) for r in results], fontsize="small")
    ax.set_ylabel("relative error of x2" + (" (log)" if log else ""))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(title or "held-out prediction error")
    return fig


def histories(results, ax=None, title=None, figsize=(6, 3)):
    """Training loss per step of each recipes.Trained (log scale)."""
    fig, ax = _axes(ax, figsize)
    for r in results:
        ax.plot(np.arange(1, len(r.history) + 1), r.history, label=_label(r))
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss per pair (squared error)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(title or "training loss")
    return fig


def traversal(model, params, x, dims, span=2.0, steps=7, title=None, figsize=None):
    """Latent traversal: decode(encode(x) + t·e_d) for t in linspace(−span, span, steps),
    one row per latent dimension d in `dims`. x is one image (*model.shape); 1D signals are
    drawn as curves coloured by t, 2D images as a grid (rows d, columns t)."""
    x = np.asarray(x, dtype=float)
    if x.shape != tuple(model.shape):
        raise ValueError(f"x: expected one image of shape {tuple(model.shape)}, got {x.shape}")
    dims = [int(d) for d in dims]
    if not dims or min(dims) < 0 or max(dims) >= model.latent_dim:
        raise ValueError(f"dims: expected latent dimensions in [0, {model.latent_dim}), got {dims}")
    ts = np.linspace(-span, span, steps)
    z0 = model.encode(params, x[None])[0]
    decoded = [model.decode(params, z0 + ts[:, None] * np.eye(model.latent_dim)[d]) for d in dims]
    if x.ndim == 1:
        fig, axes = plt.subplots(len(dims), 1, figsize=figsize or (6, 1.6 * len(dims)), sharex=True,
                                 squeeze=False)
        colours = plt.cm.coolwarm(np.linspace(0, 1, steps))
        for ax, d, curves in zip(axes[:, 0], dims, decoded):
            for t, c, curve in zip(ts, colours, curves):
                ax.plot(curve, color=c, label=f"t={t:+.1f}")
            ax.set_ylabel(f"z[{d}] + t\nintensity", fontsize="small")
        axes[-1, 0].set_xlabel("pixel")
        axes[0, 0].legend(fontsize="x-small", ncol=steps, loc="lower center",
                          bbox_to_anchor=(0.5, 1.0))
    else:
        fig, axes = plt.subplots(len(dims), steps,
                                 figsize=figsize or (1.1 * steps, 1.1 * len(dims)),
                                 squeeze=False)
        lim = max(np.abs(images).max() for images in decoded)  # one colour scale for all
        for row, d, images in zip(axes, dims, decoded):
            for ax, t, image in zip(row, ts, images):
                ax.imshow(image, cmap="RdBu_r", vmin=-lim, vmax=lim)
                ax.set_xticks([])
                ax.set_yticks([])
            row[0].set_ylabel(f"z[{d}]", fontsize="small")
        for ax, t in zip(axes[-1], ts):
            ax.set_xlabel(f"t={t:+.1f}", fontsize="small")
    if title:
        fig.suptitle(title, y=1.02 if x.ndim == 1 else 0.98)
    return fig


# --- chapter 10: real digits ----------------------------------------------------------

def image_rows(rows, columns=10, figsize=(10, 4), title=None):
    """Figure: `rows` {label: images (k, h, w)} drawn as one row each (first `columns`)."""
    fig, axes = plt.subplots(len(rows), columns, figsize=figsize, squeeze=False)
    for r, (label, X) in enumerate(rows.items()):
        for c in range(columns):
            axes[r, c].axis("off")
            if c < len(X):
                axes[r, c].imshow(X[c], cmap="gray_r", vmin=0, vmax=max(1e-12, float(np.max(X))))
        axes[r, 0].set_title(label, fontsize="small", loc="left")
    if title:
        fig.suptitle(title)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.9 if title else 0.93, wspace=0.08,
                        hspace=0.4)
    return fig


def defect_figure(x, curves, xlabel, figsize=(10, 6.6)):
    """Three rows (per-image orbit error; its share of the orbit's motion; the disentangled
    code radius) by one column per group. x {group: (k,)} and curves {group: {name: (k,)}}
    with the names of defect_measures (medians per bin or per mixing step)."""
    rows = (("orbit error", lambda k: k.endswith(("shift", "disentangled"))),
            ("error / orbit spread", lambda k: k.endswith("/ spread")),
            ("code radius ‖z[:2]‖ / ‖x‖", lambda k: k.endswith("radius")))
    fig, axes = plt.subplots(len(rows), len(curves), figsize=figsize, squeeze=False, sharex="col")
    for c, (name, values) in enumerate(curves.items()):
        for r, (ylabel, wanted) in enumerate(rows):
            ax = axes[r, c]
            for k, v in values.items():
                if wanted(k):
                    ax.plot(x[name], v, marker="o", markersize=4, label=k.replace(" / spread", ""),
                            color="C0" if "shift" in k else "C3",
                            ls="-" if k.startswith("linear") else "--")
            ax.set_ylim(bottom=0)
            ax.set_ylabel(ylabel if c == 0 else "")
            ax.grid(alpha=0.3)
        axes[0, c].set_title(name)
        axes[-1, c].set_xlabel(xlabel)
        axes[0, c].legend(fontsize="x-small")
    fig.tight_layout()
    return fig
