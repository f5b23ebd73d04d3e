"""tools/convert_checkpoint.py on AimCLR's checkpoint layout."""
import pytest
import torch
from _tiny import load_tool  # tests/tools is on sys.path

from mmfrhead.converters import convert_aimclr_stgcn


@pytest.fixture(scope='module')
def source(fixtures_dir):
    return fixtures_dir / 'reference_checkpoints' / 'aimclr_stgcn_ntu.pth'


def test_format_is_detected_from_the_keys(source, tmp_path, capsys):
    tool = load_tool('tools/convert_checkpoint.py')
    dst = tmp_path / 'aimclr.pth'
    checkpoint = tool.convert(str(source), str(dst))
    expected = convert_aimclr_stgcn(
        torch.load(source, weights_only=True)['state_dict'])
    saved = torch.load(dst, weights_only=True)
    assert list(saved['state_dict']) == list(expected)
    assert saved['meta']['converter'] == (
        'mmfrhead.converters.convert_aimclr_stgcn')
    assert 'fr_prototypes' not in checkpoint['meta']
    assert 'prototypes' not in capsys.readouterr().out


def test_unknown_layout_and_wrong_format_are_named(source, tmp_path):
    tool = load_tool('tools/convert_checkpoint.py')
    bad = tmp_path / 'bad.pt'
    torch.save({'fc.weight': torch.zeros(1)}, bad)
    with pytest.raises(ValueError,
                       match='unknown checkpoint layout.*--format'):
        tool.convert(str(bad), str(tmp_path / 'out.pth'))
    with pytest.raises(ValueError, match="no key 'l1.gcn1.PA'"):
        tool.convert(str(source), str(tmp_path / 'out.pth'),
                     fmt='frhead_ctrgcn')
