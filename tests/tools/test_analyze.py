"""``tools/analysis/analyze.py`` on the dumps of tiny models (real NW-UCLA)."""
import numpy as np
import pytest
from _tiny import run_tool, tiny_dumps
from matplotlib.image import imread

from mmfrhead.analysis import load_dump
from mmfrhead.datasets.class_names import UCLA_CLASSES


@pytest.fixture(scope='module')
def runs(ucla_subset, tmp_path_factory):
    return tiny_dumps(ucla_subset, tmp_path_factory)


def _cells(report, first_cell):
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip('|').split('|')]
        if cells[0] == first_cell:
            return cells
    raise AssertionError(f'no row {first_cell!r}')


def test_analyze_report(runs, tmp_path):
    out_dir = tmp_path / 'report'
    result = run_tool('tools/analysis/analyze.py', '--dump',
                      runs['fr']['dump'], '--baseline', runs['base']['dump'],
                      '--classes', 'ucla', '--out-dir', out_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    report = (out_dir / 'report.md').read_text()
    assert report in result.stdout

    base, fr = load_dump(runs['base']['dump']), load_dump(runs['fr']['dump'])
    labels = base['labels']
    accs = {}
    for name, dump in (('base_val', base), ('fr_val', fr)):
        right = dump['logits'].argmax(1) == labels
        accs[name] = np.array([right[labels == c].mean() for c in range(10)])
        top1 = _cells(report,
                      name + (' (reference)' if name == 'base_val' else ''))[2]
        assert top1 == f'{100 * right.mean():.2f}'
    for cls, name in enumerate(UCLA_CLASSES):
        base_acc, fr_acc = accs['base_val'][cls], accs['fr_val'][cls]
        tier = ('hard'
                if base_acc < 0.7 else 'medium' if base_acc <= 0.9 else 'easy')
        assert _cells(report, str(cls)) == [
            str(cls), name, '2', tier, f'{100 * base_acc:.2f}',
            f'{100 * fr_acc:.2f}', f'{100 * (fr_acc - base_acc):+.2f}'
        ]
    for png in ('confusion_base_val.png', 'confusion_fr_val.png'):
        assert imread(out_dir / png).shape[:2] == (800, 800)
    tsne = list(out_dir.glob('tsne_*.png'))
    assert len(tsne) == 1
    assert imread(tsne[0]).shape[:2] == (600, 1000)
    assert '- fr_val: pooled features' in report
    assert '- base_val: logits' in report


def test_analyze_one_dump_is_its_own_baseline(runs, tmp_path):
    """The README's single-dump form and the figure names it documents."""
    out_dir = tmp_path / 'report'
    result = run_tool('tools/analysis/analyze.py', '--dump',
                      runs['fr']['dump'], '--classes', 'ucla',
                      '--tsne-anchors', '3', '--out-dir', out_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    report = (out_dir / 'report.md').read_text()
    assert _cells(report, 'fr_val (reference)')
    assert sorted(p.name for p in out_dir.glob('*.png')) == [
        'confusion_fr_val.png', 'tsne_3.png'
    ]
