"""plot_curves.py and mmfrhead.analysis.curves on the logs of real runs."""
import json

import numpy as np
import pytest
from _tiny import load_tool, run_tool, tiny_models

from mmfrhead.analysis.curves import (epoch_curves, load_scalars,
                                      median_step_time, scalar_files)


@pytest.fixture(scope='module')
def work_dirs(ucla_subset, tmp_path_factory):
    runs = tiny_models(ucla_subset, tmp_path_factory)
    return {name: run['checkpoint'].rsplit('/', 1)[0]
            for name, run in runs.items()}


def _lines(work_dir):
    return [
        json.loads(line)
        for line in scalar_files(work_dir)[0].read_text().splitlines()
    ]


def test_curves_of_a_real_run(work_dirs):
    lines = _lines(work_dirs['fr'])
    curves = epoch_curves(load_scalars(work_dirs['fr']))
    assert curves['epoch'].tolist() == [1]
    train = [r for r in lines if 'iter' in r]
    np.testing.assert_allclose(curves['loss_fr'],
                               [np.mean([r['loss_fr'] for r in train])])
    val = [r for r in lines if 'iter' not in r]
    assert curves['val_epoch'].tolist() == [1]
    assert curves['acc/top1'].tolist() == [val[0]['acc/top1']]
    assert 'loss_fr' not in epoch_curves(load_scalars(work_dirs['base']))


def test_resumed_runs_are_joined(work_dirs, tmp_path):
    # A run stopped after its 2nd iteration and resumed from its 1st: two
    # timestamped folders; the resumed folder's lines win.
    lines = _lines(work_dirs['fr'])
    train = [r for r in lines if 'iter' in r]
    assert len(train) >= 3
    first, second = tmp_path / 'a' / 'vis_data', tmp_path / 'b' / 'vis_data'
    for folder, part in ((first, train[:2]),
                         (second, [dict(train[1], loss_fr=-1.)] +
                          lines[2:])):
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text(
            ''.join(json.dumps(r) + '\n' for r in part))
    joined = load_scalars(tmp_path)
    assert [r['step'] for r in joined['train']] == [r['step'] for r in train]
    assert joined['train'][1]['loss_fr'] == -1.
    assert joined['val'] == [r for r in lines if 'iter' not in r]


def test_median_step_time_from_an_epoch():
    train = [dict(epoch=e, time=t) for e, t in ((1, 9.), (2, 1.), (2, 3.),
                                                (3, 2.))] + [dict(epoch=3)]
    assert median_step_time(dict(train=train)) == 2.5
    assert median_step_time(dict(train=train), from_epoch=2) == 2.
    assert np.isnan(median_step_time(dict(train=train), from_epoch=4))


def test_bad_log_names_file_and_line(tmp_path):
    folder = tmp_path / 'run' / 'vis_data'
    folder.mkdir(parents=True)
    (folder / 'scalars.json').write_text('{"step": 1, "iter": 1}\n{oops\n')
    with pytest.raises(ValueError, match=r'scalars.json, line 2'):
        load_scalars(tmp_path)
    with pytest.raises(FileNotFoundError, match='no MMEngine scalar log'):
        load_scalars(tmp_path / 'run' / 'vis_data' / '..' / '..' / 'none')


def test_plot_curves_tool(work_dirs, tmp_path, capsys):
    tool = load_tool('tools/analysis/plot_curves.py')
    tool.main([work_dirs['fr'], work_dirs['base'], '--labels', 'fr', 'base',
               '--out-dir', str(tmp_path)])
    for name in ('fr.png', 'base.png', 'comparison.png'):
        assert (tmp_path / name).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    out = capsys.readouterr().out
    scalars = load_scalars(work_dirs['fr'])
    top1 = 100 * scalars['val'][0]['acc/top1']
    step = np.median([r['time'] for r in scalars['train']])
    assert f'| fr | 1 | {top1:.2f} | {top1:.2f} (1) | {step:.3f} |' in out


def test_plot_curves_help_needs_no_torch(tmp_path):
    result = run_tool(
        '-c', 'import runpy, sys; sys.argv = ["plot_curves.py", "--help"]; '
        'runpy.run_path("tools/analysis/plot_curves.py", '
        'run_name="__main__")', timeout=60)
    assert result.returncode == 0, result.stderr
    assert 'work_dirs' in result.stdout
    result = run_tool(
        '-c', 'import sys; import mmfrhead.analysis.curves; '
        'print("torch" in sys.modules)', timeout=60)
    assert result.stdout.strip() == 'False', result.stderr
