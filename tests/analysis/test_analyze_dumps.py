"""The Sec. 4.5 analyses on dumps built from the real labels of NW-UCLA.

The 60 sequences of ``ucla_subset`` (6 per class) get predictions designed
class by class, so every tier, group and accuracy is known by hand.
"""
import mmengine
import numpy as np
import pytest
from mmaction.evaluation import mean_class_accuracy, top_k_accuracy

from mmfrhead.analysis import (ambiguous_group, analyze_dumps,
                               confusion_matrix, difficulty_tiers,
                               evaluate_scores, group_accuracy, make_dump,
                               per_class_accuracy, tier_accuracy)

# For each class: the predictions of its misclassified samples (the others
# are right). 6 samples a class.
BASELINE_ERRORS = {0: [1, 1, 2], 1: [0], 3: [5, 4]}
FR_ERRORS = {0: [1], 3: [4, 4, 4], 7: [6]}


def _preds(labels, errors):
    preds = labels.copy()
    for cls, wrong in errors.items():
        rows = np.flatnonzero(labels == cls)[:len(wrong)]
        preds[rows] = wrong
    return preds


def _dump(annotations, preds):
    noise = np.random.default_rng(0).normal(0, 0.1, (len(preds), 10))
    logits = np.eye(10)[preds] * 5 + noise
    return make_dump([a['frame_dir'] for a in annotations],
                     [a['label'] for a in annotations], logits)


@pytest.fixture(scope='module')
def dumps(ucla_subset):
    annotations = mmengine.load(ucla_subset)['annotations']
    labels = np.array([a['label'] for a in annotations])
    assert np.bincount(labels).tolist() == [6] * 10
    return dict(
        baseline=_dump(annotations, _preds(labels, BASELINE_ERRORS)),
        fr=_dump(annotations, _preds(labels, FR_ERRORS)))


def test_accuracy_measures_agree_with_mmaction(dumps):
    dump = dumps['baseline']
    scores, labels = dump['logits'], dump['labels']
    metrics = evaluate_scores(scores, labels)
    assert metrics['top1'] == pytest.approx(
        top_k_accuracy(scores, labels, (1, ))[0])
    assert metrics['top5'] == pytest.approx(
        top_k_accuracy(scores, labels, (5, ))[0])
    assert metrics['mean_class_accuracy'] == pytest.approx(
        mean_class_accuracy(scores, labels))
    assert metrics['top1'] == pytest.approx(54 / 60)
    preds = scores.argmax(1)
    matrix = confusion_matrix(preds, labels, 10)
    assert matrix.sum() == 60 and matrix[0].tolist()[:3] == [3, 2, 1]
    accs = per_class_accuracy(preds, labels, 10)
    assert accs[[0, 1, 2, 3]] == pytest.approx([3 / 6, 5 / 6, 1, 4 / 6])


def test_tiers_follow_the_baseline_per_class_accuracy(dumps):
    labels = dumps['baseline']['labels']
    preds = dumps['baseline']['logits'].argmax(1)
    tiers = difficulty_tiers(per_class_accuracy(preds, labels, 10))
    assert tiers['hard'].tolist() == [0, 3]  # 50 %, 67 %
    assert tiers['medium'].tolist() == [1]  # 83 %
    assert tiers['easy'].tolist() == [2, 4, 5, 6, 7, 8, 9]
    fr_preds = dumps['fr']['logits'].argmax(1)
    # hard: class 0 has 5/6 right, class 3 3/6 under FR; 3/6 and 4/6 before
    assert tier_accuracy(fr_preds, labels, tiers['hard']) == 8 / 12
    assert tier_accuracy(preds, labels, tiers['hard']) == 7 / 12
    assert tier_accuracy(fr_preds, labels, tiers['easy']) == 41 / 42
    assert np.isnan(tier_accuracy(preds, labels, []))
    boundaries = difficulty_tiers(np.array([0.7, 0.9, 0.69, 0.91, np.nan]))
    assert boundaries['medium'].tolist() == [0, 1]
    assert boundaries['hard'].tolist() == [2]
    assert boundaries['easy'].tolist() == [3]


def test_ambiguous_groups_and_their_accuracy(dumps):
    result = analyze_dumps(dumps, 'baseline')
    # anchors: the classes the baseline gets wrong at least once
    assert result['groups'] == [[0, 1, 2], [1, 0], [3, 4, 5]]
    base, fr = result['models']['baseline'], result['models']['fr']
    assert base['group_accuracy'] == pytest.approx([(3 / 6 + 5 / 6 + 1) / 3,
                                                    (5 / 6 + 3 / 6) / 2,
                                                    (4 / 6 + 1 + 1) / 3])
    assert fr['group_accuracy'] == pytest.approx([(5 / 6 + 1 + 1) / 3,
                                                  (1 + 5 / 6) / 2,
                                                  (3 / 6 + 1 + 1) / 3])
    assert base['tier_accuracy'] == pytest.approx(
        dict(hard=7 / 12, medium=5 / 6, easy=1.))
    assert fr['metrics']['top1'] == pytest.approx(55 / 60)
    assert result['class_counts'].tolist() == [6] * 10


def test_ambiguous_group_sizes_and_ties():
    labels = np.array([0] * 6 + [1, 2, 3, 4])
    preds = np.array([0, 4, 3, 3, 2, 1, 1, 2, 3, 4])
    # 3 is the most frequent mistake; 1, 2 and 4 tie: smaller index first
    assert ambiguous_group(preds, labels, 0) == [0, 3, 1, 2]
    assert ambiguous_group(preds, labels, 0, size=1) == [0, 3]
    assert ambiguous_group(preds, labels, 1) == [1]
    accs = np.array([0.5, 1., np.nan, 0.])
    assert group_accuracy(accs, [0, 1, 2]) == 0.75
