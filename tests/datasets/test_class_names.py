import pytest

from mmfrhead.datasets.class_names import get_classes


def test_class_names():
    ucla = get_classes('ucla')
    assert len(ucla) == 10
    assert ucla[0] == 'pick up with one hand'
    assert ucla[6] == 'donning' and ucla[9] == 'carry'
    assert len(get_classes('ntu120')) == 120
    assert get_classes('ntu60') == get_classes('ntu120')[:60]
    with pytest.raises(ValueError, match='ntu60'):
        get_classes('kinetics')
