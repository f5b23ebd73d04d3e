"""``tools/analysis/fuse.py`` on the dumps of tiny models (real NW-UCLA)."""
import itertools
import re
import sys

import mmengine
import numpy as np
import pytest
from _tiny import load_tool, run_tool, tiny_dumps

from mmfrhead.analysis import evaluate_scores, load_dump, make_dump, save_dump


@pytest.fixture(scope='module')
def runs(ucla_subset, tmp_path_factory):
    return tiny_dumps(ucla_subset, tmp_path_factory)


def _fused_line(stdout):
    """top-1, top-5 and mean class accuracy (%) printed for the fusion."""
    return [
        float(v)
        for v in re.search(r'^fused\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$', stdout,
                           re.M).groups()
    ]


def _percent(metrics):
    return [
        round(100 * metrics[k], 2)
        for k in ('top1', 'top5', 'mean_class_accuracy')
    ]


def test_fuse_raw_scores_equals_hand_computation(runs, tmp_path):
    paths = [runs['fr']['dump'], runs['base']['dump']]
    out = tmp_path / 'fused.pkl'
    result = run_tool('tools/analysis/fuse.py', *paths, '--weights', '0.7',
                      '0.3', '--out', out)
    assert result.returncode == 0, result.stderr[-3000:]
    fr, base = map(load_dump, paths)
    fused = 0.7 * fr['logits'].astype(float) + 0.3 * base['logits']
    np.testing.assert_allclose(load_dump(out)['logits'], fused, rtol=1e-5)
    assert load_dump(out)['names'] == fr['names']
    assert _fused_line(result.stdout) == _percent(
        evaluate_scores(fused, fr['labels']))
    assert 'raw scores, weights 0.7 0.3' in result.stdout


def test_fuse_aimclr_preset_weights_three_streams(runs, tmp_path):
    paths = [runs['fr']['dump'], runs['base']['dump'], runs['fr']['dump']]
    out = tmp_path / 'fused.pkl'
    result = run_tool('tools/analysis/fuse.py', *paths, '--preset',
                      'aimclr_3s', '--out', out)
    assert result.returncode == 0, result.stderr[-3000:]
    fr, base = map(load_dump, paths[:2])
    fused = 0.6 * fr['logits'].astype(float) + 0.6 * base['logits'] + \
        0.4 * fr['logits']
    np.testing.assert_allclose(load_dump(out)['logits'], fused, rtol=1e-5)
    result = run_tool('tools/analysis/fuse.py', *paths[:2], '--preset',
                      'aimclr_3s')
    assert result.returncode != 0
    assert 'weights 3 dumps (J, B, JM), got 2' in result.stderr


def test_fuse_softmax_equals_hand_computation(runs, tmp_path, capsys,
                                              monkeypatch):
    paths = [runs['fr']['dump'], runs['base']['dump']]
    out = tmp_path / 'fused.pkl'
    monkeypatch.setattr(sys, 'argv', [
        'fuse.py', *paths, '--weights', '2', '1', '--softmax', '--out',
        str(out)
    ])
    load_tool('tools/analysis/fuse.py').main()
    fr, base = map(load_dump, paths)
    fused = 2 * fr['probs'].astype(float) + base['probs']
    np.testing.assert_allclose(load_dump(out)['logits'], fused, rtol=1e-5)
    stdout = capsys.readouterr().out
    assert _fused_line(stdout) == _percent(
        evaluate_scores(fused, fr['labels']))
    assert 'softmax probabilities, weights 2 1' in stdout


def _streams(names, labels, right):
    """One stream per mask of ``right``, favouring the true class there."""
    rng = np.random.default_rng(len(names))
    dumps = []
    for good in right:
        logits = rng.normal(size=(len(labels), 10))
        logits[good, labels[good]] += 3.
        dumps.append(make_dump(names, labels, logits))
    return dumps


def _best(dumps, grid):
    """The grid optimum by hand: first best in product order."""
    best, best_acc = None, -1.
    for weights in itertools.product(grid, repeat=len(dumps)):
        if any(weights):
            fused = sum(w * d['logits'] for w, d in zip(weights, dumps))
            acc = (fused.argmax(1) == dumps[0]['labels']).mean()
            if acc > best_acc:
                best, best_acc = weights, acc
    return best


def test_weight_search_reads_only_the_validation_dumps(ucla_subset, tmp_path,
                                                       capsys, monkeypatch):
    ann = mmengine.load(ucla_subset)
    label_of = {a['frame_dir']: a['label'] for a in ann['annotations']}
    rng = np.random.default_rng(0)
    files = {}
    # validation: the first stream is the better one; test: the second
    for split, better in (('xview_val', 0), ('xview_train', 1)):
        names = ann['split'][split]
        labels = np.array([label_of[n] for n in names])
        right = [rng.random(len(names)) < p for p in (0.4, 0.4)]
        right[better] |= rng.random(len(names)) < 0.5
        dumps = _streams(names, labels, right)
        files[split] = [tmp_path / f'{split}_{s}.pkl' for s in 'jb']
        for dump, path in zip(dumps, files[split]):
            save_dump(dump, path)
    grid = (0., 0.5, 1.)
    val, test = ([load_dump(p) for p in files[s]]
                 for s in ('xview_val', 'xview_train'))
    val_best = _best(val, grid)
    assert val_best != _best(test, grid)

    monkeypatch.setattr(sys, 'argv', [
        'fuse.py', *map(str, files['xview_train']), '--search-on',
        *map(str, files['xview_val']), '--grid', *map(str, grid)
    ])
    load_tool('tools/analysis/fuse.py').main()
    stdout = capsys.readouterr().out
    chosen = ' '.join(f'{w:g}' for w in val_best)
    assert f'samples: {chosen} (validation top-1' in stdout
    fused = sum(w * d['logits'] for w, d in zip(val_best, test))
    assert _fused_line(stdout) == _percent(
        evaluate_scores(fused, test[0]['labels']))

    # the test dumps themselves are refused as validation dumps
    monkeypatch.setattr(sys, 'argv', [
        'fuse.py', *map(str, files['xview_train']), '--search-on',
        *map(str, files['xview_train'])
    ])
    with pytest.raises(SystemExit, match='never on the test split'):
        load_tool('tools/analysis/fuse.py').main()


def test_fuse_names_the_first_mismatching_sample(runs, tmp_path, monkeypatch):
    fr = load_dump(runs['fr']['dump'])
    order = [1, 0] + list(range(2, 20))
    shuffled = tmp_path / 'shuffled.pkl'
    save_dump(
        make_dump([fr['names'][i] for i in order], fr['labels'][order],
                  fr['logits'][order]), shuffled)
    monkeypatch.setattr(
        sys, 'argv',
        ['fuse.py', runs['fr']['dump'],
         str(shuffled), '--preset', 'ucla'])
    with pytest.raises(
            SystemExit,
            match=f"differ at sample 0: "
            f"'{fr['names'][1]}' vs '{fr['names'][0]}'"):
        load_tool('tools/analysis/fuse.py').main()
