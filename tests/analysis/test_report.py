"""The markdown report on dumps built from real NW-UCLA labels."""
import mmengine
import numpy as np
import pytest
from matplotlib.image import imread

from mmfrhead.analysis import make_dump, write_report
from mmfrhead.datasets.class_names import get_classes

CLASSES = get_classes('ucla')


def _dump(annotations, errors, features=False):
    """Logits right except the listed (class, wrong) predictions; the true
    class always ranks first or second."""
    labels = np.array([a['label'] for a in annotations])
    preds = labels.copy()
    for cls, wrong in errors.items():
        preds[np.flatnonzero(labels == cls)[:len(wrong)]] = wrong
    logits = np.eye(10)[preds] * 4. + np.eye(10)[labels]
    feats = np.random.default_rng(0).normal(size=(len(labels), 8)) + \
        labels[:, None] if features else None
    return make_dump([a['frame_dir'] for a in annotations],
                     labels,
                     logits,
                     features=feats)


def _row(report, first_cell):
    """The cells of the table row that starts with ``first_cell``."""
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip('|').split('|')]
        if cells[0] == first_cell:
            return cells
    raise AssertionError(f'no row {first_cell!r}')


def test_report_tables_and_figures(ucla_subset, tmp_path):
    annotations = mmengine.load(ucla_subset)['annotations']  # 6 a class
    dumps = dict(
        ctrgcn=_dump(annotations, {
            4: [5, 5, 5],
            5: [4],
            9: [3, 3]
        }),
        frhead=_dump(annotations, {
            4: [5],
            9: [3, 0, 0]
        }, features=True))
    report_file = write_report(dumps, 'ctrgcn', tmp_path / 'report', CLASSES)
    report = report_file.read_text()

    assert _row(report, 'ctrgcn (reference)')[1:] == [
        '60', f'{100 * 54 / 60:.2f}', '100.00', f'{100 * 54 / 60:.2f}'
    ]
    # tiers by the baseline: sit down 50 % and carry 67 % hard, stand up
    # 83 % medium; the FR model gets 5/6 + 3/6 of the hard samples right
    assert _row(report, 'hard') == [
        'hard', '2', '12', f'{100 * 7 / 12:.2f}', f'{100 * 8 / 12:.2f}',
        f'{100 / 12:+.2f}'
    ]
    assert _row(report, 'medium')[1:5] == ['1', '6', '83.33', '100.00']
    assert '- hard: sit down, carry' in report
    # groups, hardest first: sit down + stand up, carry + walk around, ...
    base, fr = (3 / 6 + 5 / 6) / 2, (5 / 6 + 1) / 2
    assert _row(report, 'sit down') == [
        'sit down', 'stand up', f'{100 * base:.2f}', f'{100 * fr:.2f}',
        f'{100 * (fr - base):+.2f}'
    ]
    assert _row(report,
                'carry')[:4] == ['carry', 'walk around', '83.33', '75.00']
    assert _row(report, '9')[3:] == ['hard', '66.67', '50.00', '-16.67']
    assert '- ctrgcn: logits' in report and '- frhead: pooled features' in \
        report

    out = report_file.parent
    for png in ('confusion_ctrgcn.png', 'confusion_frhead.png'):
        assert f']({png})' in report
        assert imread(out / png).shape[:2] == (800, 800)
    assert '](tsne_4.png)' in report  # sit down: the hardest group
    assert imread(out / 'tsne_4.png').shape[:2] == (600, 1000)


def test_report_rejects_a_tsne_anchor_without_group(ucla_subset, tmp_path):
    annotations = mmengine.load(ucla_subset)['annotations']
    dumps = dict(a=_dump(annotations, {4: [5]}), b=_dump(annotations, {}))
    with pytest.raises(ValueError, match='class 0 .* has no ambiguous group'):
        write_report(dumps, 'a', tmp_path, CLASSES, tsne_anchors=[0])
    with pytest.raises(ValueError, match='3 class names for 10 classes'):
        write_report(dumps, 'a', tmp_path, CLASSES[:3])
