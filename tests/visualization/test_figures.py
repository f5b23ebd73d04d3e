import numpy as np
import pytest
from matplotlib.image import imread

from mmfrhead.visualization import (plot_confusion_matrix, plot_tsne,
                                    tsne_embedding)


@pytest.mark.parametrize('num_classes,side', [(10, 800), (120, 1800)])
def test_confusion_matrix_png(tmp_path, num_classes, side):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, num_classes, 500)
    preds = np.where(
        rng.random(500) < 0.7, labels, rng.integers(0, num_classes, 500))
    matrix = np.zeros((num_classes, num_classes), int)
    np.add.at(matrix, (labels, preds), 1)
    out = tmp_path / 'cm.png'
    plot_confusion_matrix(
        matrix, [f'class {i}' for i in range(num_classes)], out, title='model')
    image = imread(out)
    assert image.shape[:2] == (side, side)
    assert image[..., :3].std() > 0.05  # something is drawn


def test_tsne_png_has_one_panel_per_model(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(6), 10)
    centres = rng.normal(0, 5, (6, 16))
    features = dict(
        baseline=centres[labels] + rng.normal(0, 3, (60, 16)),
        fr=centres[labels] + rng.normal(0, 1, (60, 16)))
    out = tmp_path / 'tsne.png'
    plot_tsne(features, labels, [0, 2, 3, 5], [str(i) for i in range(6)], out)
    assert imread(out).shape[:2] == (600, 1000)  # 2 x (5 x 6 in) at 100 dpi


def test_tsne_embedding_small_sets():
    points = tsne_embedding(np.random.default_rng(0).normal(size=(5, 8)))
    assert points.shape == (5, 2) and np.isfinite(points).all()
    with pytest.raises(ValueError, match='2 samples at least'):
        tsne_embedding(np.zeros((1, 8)))
