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
        ax.imshow(images, cmap="RdBu_r", aspect="auto")
        ax.set_xlabel("pixel")
        ax.set_ylabel("group element g")
        ax.set_title(f"orbit of x under {group.name}: row g is g·x")
        return fig
    rows = -(-group.order // columns)
    fig, axes = plt.subplots(rows, columns, figsize=figsize or (1.2 * columns, 1.2 * rows))
    for g, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if g < group.order:
            ax.imshow(images[g], cmap="RdBu_r")
            ax.set_title(f"g={g}", fontsize="small")
    return fig


def predictions(target, predicted, labels, ax=None, title=None, figsize=(6, 3)):
    """A 1D target x2 (n,) against the predictions of several models (k, n)."""
    fig, ax = _axes(ax, figsize)
    ax.plot(target, color="black", linewidth=3, alpha=0.3, label="target g·x1")
    for p, label in zip(predicted, labels):
        ax.plot(p, marker=".", label=label)
    ax.set_xlabel("pixel")
    ax.set_ylabel("intensity")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
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
        axes[0, 0].legend(fontsize="x-small", ncol=steps, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    else:
        fig, axes = plt.subplots(len(dims), steps, figsize=figsize or (1.1 * steps, 1.1 * len(dims)),
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

