import itertools

import numpy as np
import pytest

from mmfrhead.analysis import (PRESETS, check_disjoint, check_same_samples,
                               evaluate_scores, fuse_scores, make_dump,
                               search_weights)


def _dumps(seed, names, labels, num_streams=2, num_classes=5):
    """Streams that are each right on a different part of the samples."""
    rng = np.random.default_rng(seed)
    dumps = []
    for stream in range(num_streams):
        logits = rng.normal(size=(len(labels), num_classes))
        good = rng.random(len(labels)) < 0.3 + 0.2 * stream
        logits[good, labels[good]] += 2.
        dumps.append(make_dump(names, labels, logits))
    return dumps


def test_fuse_scores_raw_and_softmax():
    labels = np.array([0, 1, 2, 1])
    a, b = _dumps(0, list('abcd'), labels, num_classes=3)
    raw = fuse_scores([a, b], [0.6, 0.4])
    np.testing.assert_allclose(
        raw, 0.6 * a['logits'] + 0.4 * b['logits'], rtol=1e-6)
    soft = fuse_scores([a, b], [0.6, 0.4], use_softmax=True)
    np.testing.assert_allclose(
        soft, 0.6 * a['probs'] + 0.4 * b['probs'], rtol=1e-6)
    with pytest.raises(ValueError, match='3 weights for 2 dumps'):
        fuse_scores([a, b], [1, 1, 1])


def test_presets_are_the_reference_weights():
    assert PRESETS['ntu60_xsub'] == (2, 2, 1, 1)
    assert PRESETS['aimclr_3s'] == (0.6, 0.6, 0.4)  # J, B, JM
    assert PRESETS['ntu60_xview'] == PRESETS['ucla'] == (0.6, 0.6, 0.4, 0.4)
    assert PRESETS['ntu120_xsub'] == PRESETS['ntu120_xset'] == (0.6, 0.75, 0.3,
                                                                0.15)


def test_check_same_samples_names_the_first_mismatch():
    labels = np.array([0, 1, 2])
    a = make_dump(['x', 'y', 'z'], labels, np.zeros((3, 3)))
    swapped = make_dump(['x', 'z', 'y'], labels, np.zeros((3, 3)))
    with pytest.raises(
            ValueError, match="b.pkl and a.pkl differ at sample 1: "
            "'z' vs 'y'"):
        check_same_samples([a, swapped], ['a.pkl', 'b.pkl'])
    short = make_dump(['x', 'y'], labels[:2], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="sample 2 'z' of a.pkl has no"):
        check_same_samples([a, short], ['a.pkl', 'b.pkl'])
    relabelled = make_dump(['x', 'y', 'z'], [0, 1, 1], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="sample 'z' different labels"):
        check_same_samples([a, relabelled], ['a.pkl', 'b.pkl'])
    check_same_samples([a, a], ['a.pkl', 'again.pkl'])


def test_check_disjoint_refuses_test_samples_in_validation():
    val = make_dump(['v1', 't1'], [0, 1], np.zeros((2, 2)))
    test = make_dump(['t1', 't2'], [1, 0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'t1'.*never on the test split"):
        check_disjoint(val, test, 'val.pkl', 'test.pkl')


def _best_by_hand(dumps, grid, key):
    best, best_acc = None, -1
    for weights in itertools.product(grid, repeat=len(dumps)):
        if not any(weights):
            continue
        fused = sum(w * d[key] for w, d in zip(weights, dumps))
        acc = (fused.argmax(1) == dumps[0]['labels']).mean()
        if acc > best_acc:
            best, best_acc = weights, acc
    return best, best_acc


@pytest.mark.parametrize('use_softmax', [False, True])
def test_search_weights_finds_the_grid_optimum(use_softmax):
    labels = np.random.default_rng(1).integers(0, 5, 200)
    dumps = _dumps(2, [str(i) for i in range(200)], labels, num_streams=3)
    grid = (0., 0.25, 0.5, 1.)
    weights, acc = search_weights(dumps, grid, use_softmax)
    key = 'probs' if use_softmax else 'logits'
    best, best_acc = _best_by_hand(dumps, grid, key)
    assert weights == best
    assert acc == pytest.approx(best_acc)
    fused = fuse_scores(dumps, weights, use_softmax)
    assert evaluate_scores(fused, labels)['top1'] == pytest.approx(acc)
    single = max((d[key].argmax(1) == labels).mean() for d in dumps)
    assert acc >= single
