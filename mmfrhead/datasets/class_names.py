"""Action names of NTU RGB+D 60 / 120 and NW-UCLA, indexed by 0-based label.

NTU labels are ``action id - 1`` (``A001`` is label 0); the first 60 NTU-120
actions are NTU-60. NW-UCLA labels are the JSON labels minus 1. The JSON
labels are consecutive, the action ids in the file names are not (a07 and a10
are absent): JSON label 7 is a08, 8 is a09, 9 is a11, 10 is a12.
"""
from typing import Tuple

UCLA_CLASSES = ('pick up with one hand', 'pick up with two hands',
                'drop trash', 'walk around', 'sit down', 'stand up', 'donning',
                'doffing', 'throw', 'carry')

NTU120_CLASSES = (
    'drink water', 'eat meal/snack', 'brushing teeth', 'brushing hair', 'drop',
    'pickup', 'throw', 'sitting down', 'standing up (from sitting position)',
    'clapping', 'reading', 'writing', 'tear up paper', 'wear jacket',
    'take off jacket', 'wear a shoe', 'take off a shoe', 'wear on glasses',
    'take off glasses', 'put on a hat/cap', 'take off a hat/cap', 'cheer up',
    'hand waving', 'kicking something', 'reach into pocket',
    'hopping (one foot jumping)', 'jump up', 'make a phone call/answer phone',
    'playing with phone/tablet', 'typing on a keyboard',
    'pointing to something with finger', 'taking a selfie',
    'check time (from watch)', 'rub two hands together', 'nod head/bow',
    'shake head', 'wipe face', 'salute', 'put the palms together',
    'cross hands in front (say stop)', 'sneeze/cough', 'staggering', 'falling',
    'touch head (headache)', 'touch chest (stomachache/heart pain)',
    'touch back (backache)', 'touch neck (neckache)',
    'nausea or vomiting condition',
    'use a fan (with hand or paper)/feeling warm',
    'punching/slapping other person', 'kicking other person',
    'pushing other person', 'pat on back of other person',
    'point finger at the other person', 'hugging other person',
    'giving something to other person', "touch other person's pocket",
    'handshaking', 'walking towards each other',
    'walking apart from each other', 'put on headphone', 'take off headphone',
    'shoot at the basket', 'bounce ball', 'tennis bat swing',
    'juggling table tennis balls', 'hush (quiet)', 'flick hair', 'thumb up',
    'thumb down', 'make ok sign', 'make victory sign', 'staple book',
    'counting money', 'cutting nails', 'cutting paper (using scissors)',
    'snapping fingers', 'open bottle', 'sniff (smell)', 'squat down',
    'toss a coin', 'fold paper', 'ball up paper', 'play magic cube',
    'apply cream on face', 'apply cream on hand back', 'put on bag',
    'take off bag', 'put something into a bag', 'take something out of a bag',
    'open a box', 'move heavy objects', 'shake fist', 'throw up cap/hat',
    'hands up (both hands)', 'cross arms', 'arm circles', 'arm swings',
    'running on the spot', 'butt kicks (kick backward)', 'cross toe touch',
    'side kick', 'yawn', 'stretch oneself', 'blow nose',
    'hit other person with something', 'wield knife towards other person',
    'knock over other person (hit with body)', "grab other person's stuff",
    'shoot at other person with a gun', 'step on foot', 'high-five',
    'cheers and drink', 'carry something with other person',
    'take a photo of other person', 'follow other person',
    "whisper in other person's ear", 'exchange things with other person',
    'support somebody with hand',
    'finger-guessing game (playing rock-paper-scissors)')
NTU60_CLASSES = NTU120_CLASSES[:60]

DATASET_CLASSES = {
    'ntu60': NTU60_CLASSES,
    'ntu120': NTU120_CLASSES,
    'ucla': UCLA_CLASSES,
}


def get_classes(dataset: str) -> Tuple[str, ...]:
    """Class names of a dataset.

    Args:
        dataset (str): ``'ntu60'``, ``'ntu120'`` or ``'ucla'``.

    Returns:
        tuple[str]: The names, indexed by 0-based label.
    """
    if dataset not in DATASET_CLASSES:
        raise ValueError(f'unknown dataset {dataset!r}, expected one of '
                         f'{sorted(DATASET_CLASSES)}')
    return DATASET_CLASSES[dataset]
