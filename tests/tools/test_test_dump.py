"""``tools/test.py --dump`` on tiny models trained on real NW-UCLA data."""
import argparse
import re

import mmengine
import numpy as np
import pytest
import torch
from _tiny import load_tool, tiny_dumps
from mmengine.config import Config

from mmfrhead.analysis import evaluate_scores, load_dump, softmax
from mmfrhead.datasets.class_names import UCLA_CLASSES


@pytest.fixture(scope='module')
def runs(ucla_subset, tmp_path_factory):
    return tiny_dumps(ucla_subset, tmp_path_factory)


@pytest.mark.parametrize('model', ['fr', 'base'])
def test_dump_matches_the_data_and_the_logged_accuracy(runs, ucla_subset,
                                                       model):
    dump = load_dump(runs[model]['dump'])
    ann = mmengine.load(ucla_subset)
    assert dump['names'] == ann['split']['xview_val']  # 20, in order
    labels = {a['frame_dir']: a['label'] for a in ann['annotations']}
    assert dump['labels'].tolist() == [labels[n] for n in dump['names']]
    assert dump['logits'].shape == dump['probs'].shape == (20, 10)
    np.testing.assert_allclose(dump['probs'].sum(axis=1), 1., rtol=1e-6)
    np.testing.assert_allclose(
        dump['probs'], softmax(dump['logits']), rtol=1e-5)
    assert (dump['logits'].argmax(1) == dump['probs'].argmax(1)).all()
    logged = {
        key: float(value)
        for key, value in re.findall(r'acc/(top1|top5|mean1): ([\d.]+)',
                                     runs[model]['log'])
    }
    metrics = evaluate_scores(dump['logits'], dump['labels'])
    assert logged['top1'] == round(metrics['top1'], 4)
    assert logged['top5'] == round(metrics['top5'], 4)
    assert logged['mean1'] == round(metrics['mean_class_accuracy'], 4)
    assert f'Scores of 20 samples dumped to {runs[model]["dump"]}' in \
        runs[model]['log']


def test_dumped_features_are_the_classifier_input(runs):
    fr, base = (load_dump(runs[m]['dump']) for m in ('fr', 'base'))
    assert fr['classes'] == list(UCLA_CLASSES)
    assert 'features' not in base and 'classes' not in base
    state = torch.load(runs['fr']['checkpoint'])['state_dict']
    weight = state['cls_head.fc.weight'].numpy()  # (10, 64)
    bias = state['cls_head.fc.bias'].numpy()
    assert fr['features'].shape == (20, 64)
    np.testing.assert_allclose(
        fr['features'] @ weight.T + bias, fr['logits'], atol=1e-4)


def test_dump_options_edit_the_config(runs, tmp_path):
    tool = load_tool('tools/test.py')
    args = argparse.Namespace(
        cfg_options=None,
        launcher='none',
        work_dir=str(tmp_path),
        checkpoint='x.pth',
        dump=str(tmp_path / 'x.pkl'),
        dump_features=True,
        classes='ucla')
    cfg = tool.merge_args(Config.fromfile(runs['fr']['config']), args)
    assert cfg.model.cls_head.average_clips == 'score'
    pack = cfg.test_dataloader.dataset.pipeline[-1]
    assert pack.type == 'PackActionInputs'
    assert pack.meta_keys == ('frame_dir', )
    assert cfg.test_evaluator[-1] == dict(
        type='DumpScores',
        out_file_path=args.dump,
        classes=tuple(UCLA_CLASSES))
    assert cfg.custom_hooks[-1] == dict(type='PooledFeatureHook')
    assert cfg.val_evaluator == [dict(type='AccMetric')]  # untouched

    args.dump = None
    with pytest.raises(ValueError, match='need --dump'):
        tool.merge_args(Config.fromfile(runs['fr']['config']), args)
