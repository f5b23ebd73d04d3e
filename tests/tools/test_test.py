"""``tools/test.py`` refuses a checkpoint that does not fit the config."""
import pytest
from _tiny import run_tool, tiny_models


@pytest.fixture(scope='module')
def runs(ucla_subset, tmp_path_factory):
    return tiny_models(ucla_subset, tmp_path_factory)


def test_checkpoint_of_another_model_is_an_error(runs, tmp_path):
    # The plain baseline's checkpoint under the FR config loads (the FR Head
    # is training-only); the FR checkpoint under the NTU config does not.
    ok = run_tool('tools/test.py', runs['fr']['config'],
                  runs['base']['checkpoint'], '--work-dir', tmp_path / 'ok')
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert 'acc/top1' in ok.stdout + ok.stderr

    result = run_tool('tools/test.py', 'configs/ctrgcn_ntu60_xsub_j.py',
                      runs['fr']['checkpoint'], '--work-dir', tmp_path / 'bad')
    assert result.returncode != 0
    assert (f'{runs["fr"]["checkpoint"]} does not fit the model of this '
            'config') in result.stderr
    assert ('backbone.gcn.0.gcn.PA: checkpoint (3, 20, 20), '
            'model (3, 25, 25)') in result.stderr
