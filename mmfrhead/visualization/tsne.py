from pathlib import Path
from typing import Dict, Sequence, Union

import numpy as np
from matplotlib.figure import Figure
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

DPI = 100
PANEL_INCHES = 5.


def tsne_embedding(features: np.ndarray, seed: int = 0) -> np.ndarray:
    """Embed features in 2-D with scikit-learn's t-SNE.

    The perplexity is 30, or ``(n - 1) / 3`` for fewer than 91 samples (it
    must stay below the number of samples). It runs on one OpenMP thread:
    torch and scikit-learn each load their own OpenMP runtime, and their
    threads contend, which can make a small map take minutes.

    Args:
        features (np.ndarray): Features ``(n, C)``, ``n >= 2``.
        seed (int): Random state. Defaults to 0.

    Returns:
        np.ndarray: Points ``(n, 2)``.
    """
    if len(features) < 2:
        raise ValueError(f't-SNE needs 2 samples at least, got '
                         f'{len(features)}')
    perplexity = min(30., (len(features) - 1) / 3.)
    tsne = TSNE(n_components=2, perplexity=perplexity, random_state=seed)
    with threadpool_limits(limits=1, user_api='openmp'):
        return tsne.fit_transform(np.asarray(features, dtype=np.float64))


def plot_tsne(features: Dict[str, np.ndarray],
              labels: np.ndarray,
              classes: Sequence[int],
              class_names: Sequence[str],
              out_file: Union[str, Path],
              seed: int = 0) -> None:
    """Save side-by-side t-SNE maps of the samples of some classes (PNG).

    One panel per model, as the paper's Fig. 5 (CTR-GCN vs FR Head), each
    5 x 5 inches at 100 dpi, points coloured by true class.

    Args:
        features (dict[str, np.ndarray]): Panel title (model name) to the
            features ``(N, C)`` of all samples.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        classes (Sequence[int]): The classes shown (an ambiguous group).
        class_names (Sequence[str]): Names of all classes.
        out_file (str | Path): Output ``.png`` file.
        seed (int): t-SNE random state. Defaults to 0.
    """
    shown = np.isin(labels, classes)
    fig = Figure(
        figsize=(PANEL_INCHES * len(features), PANEL_INCHES + 1.),
        dpi=DPI,
        layout='constrained')
    axes = fig.subplots(1, len(features), squeeze=False)[0]
    for ax, (title, feats) in zip(axes, features.items()):
        points = tsne_embedding(feats[shown], seed)
        for cls in classes:
            mine = labels[shown] == cls
            ax.scatter(*points[mine].T, s=12, label=class_names[cls])
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc='outside lower center', ncols=2)
    fig.savefig(out_file, dpi=DPI)
