import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mmfrhead.evaluation import (DumpScores, check_dump, load_dump, make_dump,
                                 save_dump, softmax)


def _sample(name, label, logits, feature=None):
    sample = ActionDataSample()
    sample.set_gt_label(label)
    sample.set_pred_score(torch.tensor(logits))
    sample.set_metainfo(dict(frame_dir=name))
    if feature is not None:
        sample.set_field(torch.tensor(feature), 'pooled_feature')
    return sample.to_dict()


def test_dump_scores_writes_names_labels_logits_probs(tmp_path):
    out = tmp_path / 'scores.pkl'
    metric = DumpScores(str(out), classes=['a', 'b', 'c'])
    logits = np.array([[2., 0., -1.], [0.5, 0.5, 3.], [-1., 4., 0.]],
                      dtype=np.float32)
    metric.process(None, [
        _sample('x', 0, logits[0], [1., 2.]),
        _sample('y', 2, logits[1], [3., 4.])
    ])
    metric.process(None, [_sample('z', 1, logits[2], [5., 6.])])
    assert metric.evaluate(3) == {}

    dump = load_dump(out)
    assert dump['names'] == ['x', 'y', 'z']
    assert dump['labels'].tolist() == [0, 2, 1]
    assert dump['labels'].dtype == np.int64
    assert dump['logits'].dtype == dump['probs'].dtype == np.float32
    np.testing.assert_array_equal(dump['logits'], logits)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dump['probs'], expected, rtol=1e-6)
    np.testing.assert_array_equal(dump['features'], [[1, 2], [3, 4], [5, 6]])
    assert dump['classes'] == ['a', 'b', 'c']


def test_dump_scores_needs_names_and_a_pkl(tmp_path):
    with pytest.raises(ValueError, match='must be a .pkl'):
        DumpScores(str(tmp_path / 'scores.json'))
    metric = DumpScores(str(tmp_path / 'scores.pkl'))
    sample = _sample('x', 0, [1., 2.])
    del sample['frame_dir']
    with pytest.raises(KeyError, match="meta_keys=\\('frame_dir', \\)"):
        metric.process(None, [sample])


def test_softmax_is_stable():
    probs = softmax(np.array([[1000., 1000.], [0., np.log(3.)]]))
    np.testing.assert_allclose(probs, [[0.5, 0.5], [0.25, 0.75]])


def test_load_dump_names_the_file_of_a_bad_dump(tmp_path):
    good = make_dump(['x', 'y'], [0, 1], np.zeros((2, 3)))
    path = tmp_path / 'bad.pkl'
    save_dump(dict(good, labels=np.array([0])), path)
    with pytest.raises(ValueError, match=f'{path}: labels has shape'):
        load_dump(path)
    save_dump({k: v for k, v in good.items() if k != 'probs'}, path)
    with pytest.raises(ValueError, match=r"missing keys \['probs'\]"):
        load_dump(path)
    with pytest.raises(ValueError, match='2 class names for 3 classes'):
        check_dump(dict(good, classes=['a', 'b']))
