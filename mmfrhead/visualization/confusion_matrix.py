from pathlib import Path
from typing import Sequence, Union

import numpy as np
from matplotlib.figure import Figure

DPI = 100
# Cells are annotated with their counts up to this many classes.
MAX_ANNOTATED_CLASSES = 30


def confusion_figure_inches(num_classes: int) -> float:
    """Side of the square confusion-matrix figure, in inches (8 at least)."""
    return max(8., 0.15 * num_classes)


def plot_confusion_matrix(matrix: np.ndarray,
                          class_names: Sequence[str],
                          out_file: Union[str, Path],
                          title: str = '') -> None:
    """Save a confusion matrix as a PNG image (no display needed).

    Colours are row-normalised (the fraction of each true class predicted as
    each class); up to 30 classes, cells also show the counts. The image is
    square, :func:`confusion_figure_inches` x 100 pixels a side.

    Args:
        matrix (np.ndarray): Counts ``(K, K)``, rows true classes, columns
            predictions (:func:`mmfrhead.analysis.confusion_matrix`).
        class_names (Sequence[str]): The K class names.
        out_file (str | Path): Output ``.png`` file.
        title (str): Figure title. Defaults to ``''``.
    """
    num_classes = len(matrix)
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    side = confusion_figure_inches(num_classes)
    fig = Figure(figsize=(side, side), dpi=DPI, layout='constrained')
    ax = fig.add_subplot()
    image = ax.imshow(rates, cmap='Blues', vmin=0., vmax=1.)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.02)
    fontsize = min(9., max(4., 400. / num_classes))
    ticks = np.arange(num_classes)
    ax.set_xticks(ticks, class_names, rotation=90, fontsize=fontsize)
    ax.set_yticks(ticks, class_names, fontsize=fontsize)
    ax.set_xlabel('predicted class')
    ax.set_ylabel('true class')
    ax.set_title(title)
    if num_classes <= MAX_ANNOTATED_CLASSES:
        for (row, col), count in np.ndenumerate(matrix):
            if count:
                ax.text(
                    col,
                    row,
                    str(count),
                    ha='center',
                    va='center',
                    fontsize=fontsize,
                    color='white' if rates[row, col] > 0.5 else 'black')
    fig.savefig(out_file, dpi=DPI)
