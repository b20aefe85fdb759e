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


def image_grid(X, titles=None, columns=6, figsize=None, vmax=None):
    """2D images X (k, h, w) in a grid, one shared colour scale (red +, blue -), titled."""
    X = np.asarray(X)
    rows = -(-len(X) // columns)
    figsize = figsize or (1.5 * columns, 1.6 * rows)
    fig, axes = plt.subplots(rows, columns, figsize=figsize, squeeze=False)
    vmax = np.abs(X).max() if vmax is None else vmax
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < len(X):
            ax.imshow(X[i], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            if titles is not None:
                ax.set_title(titles[i], fontsize="small")
    return fig
