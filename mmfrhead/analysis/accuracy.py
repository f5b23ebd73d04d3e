"""Accuracy measures on predicted labels or class scores (numpy)."""
from typing import Dict

import numpy as np


def confusion_matrix(preds: np.ndarray, labels: np.ndarray,
                     num_classes: int) -> np.ndarray:
    """Count the samples of every (true class, predicted class) pair.

    Args:
        preds (np.ndarray): Predicted labels ``(N, )``.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        num_classes (int): Number of classes K.

    Returns:
        np.ndarray: int64 ``(K, K)``, rows true classes, columns predictions.
    """
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, preds), 1)
    return matrix


def per_class_accuracy(preds: np.ndarray, labels: np.ndarray,
                       num_classes: int) -> np.ndarray:
    """Fraction of the samples of each class that are predicted correctly.

    Args:
        preds (np.ndarray): Predicted labels ``(N, )``.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        num_classes (int): Number of classes K.

    Returns:
        np.ndarray: float64 ``(K, )``, NaN for a class without samples.
    """
    matrix = confusion_matrix(preds, labels, num_classes)
    counts = matrix.sum(axis=1)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counts > 0, np.diag(matrix) / counts, np.nan)


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Fraction of samples whose label is among their ``k`` best classes.

    Args:
        scores (np.ndarray): Class scores ``(N, K)``.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        k (int): Number of best classes considered.

    Returns:
        float: The top-k accuracy.
    """
    best = np.argsort(-scores, axis=1, kind='stable')[:, :k]
    return float((best == labels[:, None]).any(axis=1).mean())


def evaluate_scores(scores: np.ndarray,
                    labels: np.ndarray) -> Dict[str, float]:
    """Top-1, top-5 and mean class accuracy of class scores.

    The mean class accuracy averages :func:`per_class_accuracy` over the
    classes that have samples (MMAction2's ``mean_class_accuracy`` also
    counts, as zero, classes that are only predicted).

    Args:
        scores (np.ndarray): Class scores ``(N, K)``.
        labels (np.ndarray): Ground-truth labels ``(N, )``.

    Returns:
        dict[str, float]: ``top1``, ``top5`` and ``mean_class_accuracy``.
    """
    preds = scores.argmax(axis=1)
    return dict(
        top1=top_k_accuracy(scores, labels, 1),
        top5=top_k_accuracy(scores, labels, 5),
        mean_class_accuracy=float(
            np.nanmean(per_class_accuracy(preds, labels, scores.shape[1]))))
