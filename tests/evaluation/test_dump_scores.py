"""The ``DumpScores`` metric writes the dump format."""
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mmfrhead.analysis import load_dump
from mmfrhead.evaluation import DumpScores


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
