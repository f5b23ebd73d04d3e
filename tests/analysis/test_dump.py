"""The dump format: building, checking, saving and loading."""
import numpy as np
import pytest

from mmfrhead.analysis import (check_dump, load_dump, make_dump, save_dump,
                               softmax)


def test_softmax_is_stable():
    probs = softmax(np.array([[1000., 1000.], [0., np.log(3.)]]))
    np.testing.assert_allclose(probs, [[0.5, 0.5], [0.25, 0.75]])


def test_a_dump_of_other_code_round_trips(tmp_path):
    logits = np.random.default_rng(0).normal(size=(3, 4))
    path = tmp_path / 'other.pkl'
    save_dump(
        make_dump(['s0', 's1', 's2'], [3, 0, 1], logits, classes='abcd'), path)
    dump = load_dump(path)
    assert dump['names'] == ['s0', 's1', 's2']
    assert dump['labels'].dtype == np.int64
    assert dump['logits'].dtype == dump['probs'].dtype == np.float32
    np.testing.assert_allclose(dump['logits'], logits, rtol=1e-6)
    np.testing.assert_allclose(dump['probs'], softmax(logits), rtol=1e-6)
    assert dump['classes'] == ['a', 'b', 'c', 'd']
    assert 'features' not in dump


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
