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


def _label(result):
    return f"{result['kind']} + {result['operator']}"


def error_bars(results, ax=None, title=None, figsize=(7, 3)):
    """Held-out relative prediction error of x2, generic vs symmetric signals, one pair of
    bars per result of experiments.run; log scale when the errors span over 2 decades."""
    fig, ax = _axes(ax, figsize)
    where = np.arange(len(results))
    errors = np.array([[r["errors"]["prediction"][p] for p in ("generic", "symmetric")] for r in results])
    log = errors.max() > 100 * errors.min()
    bottom = 10.0 ** np.floor(np.log10(errors.min())) if log else 0.0
    for j, (offset, part, color) in enumerate(((-0.2, "generic", "tab:blue"), (0.2, "symmetric", "tab:orange"))):
        ax.bar(where + offset, errors[:, j] - bottom, bottom=bottom, width=0.4, color=color,
               label=f"{part} signals")
    if log:
        ax.set_yscale("log")
    ax.set_xticks(where)
    ax.set_xticklabels([_label(r) for r in results], fontsize="small")
    ax.set_ylabel("relative error of x2" + (" (log)" if log else ""))
    ax.legend(fontsize="small")
    ax.set_title(title or "held-out prediction error")
    return fig


def histories(results, ax=None, title=None, figsize=(6, 3)):
    """Training loss per step of each result of experiments.run (log scale)."""
    fig, ax = _axes(ax, figsize)
    for r in results:
        ax.plot(np.arange(1, len(r["history"]) + 1), r["history"], label=_label(r))
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss per pair (squared error)")
    ax.legend(fontsize="small")
    ax.set_title(title or "training loss")
    return fig
