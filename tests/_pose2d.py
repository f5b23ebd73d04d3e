"""The real 2D pose sample of the tests, its MMPose prediction form, and a
tiny model of the shipped 2D CTR-GCN + FR Head config.

The sample is the UCF101 fixture (``fixtures/paddlevideo``): HRNet's COCO-17
poses of a real video, ``keypoint`` (2, 163, 17, 2) and ``keypoint_score``
(2, 163, 17); the second person is present in 14 frames only and scores
below the first wherever it is.
"""
import json
from pathlib import Path

import mmengine
import numpy as np
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIG_2D = 'ctrgcn_frhead_ntu60_xsub_2d_j.py'
_MODELS = {}


def ucf_sample_file(fixtures_dir: Path) -> Path:
    """The UCF101 pose annotation (one MMAction2 2D annotation dict)."""
    return fixtures_dir / 'paddlevideo' / 'example_UCF101_skeleton.pkl'


def mmpose_frames(sample: dict, reverse: bool = False) -> list:
    """The sample as ``MMPoseInferencer`` writes its predictions on a video.

    Args:
        sample (dict): A 2D annotation with ``keypoint`` (M, T, V, 2) and
            ``keypoint_score`` (M, T, V).
        reverse (bool): List the persons of each frame last first.
            Defaults to False.

    Returns:
        list[dict]: ``{'frame_id', 'instances': [{'keypoints' (V x 2),
        'keypoint_scores' (V)}]}`` per frame, one instance per person
        present in the frame (a person with zero scores is absent).
    """
    keypoint = np.asarray(sample['keypoint'], np.float32)
    score = np.asarray(sample['keypoint_score'], np.float32)
    frames = []
    for t in range(keypoint.shape[1]):
        persons = [m for m in range(len(keypoint)) if score[m, t].any()]
        instances = [
            dict(
                keypoints=keypoint[m, t].tolist(),
                keypoint_scores=score[m, t].tolist())
            for m in (persons[::-1] if reverse else persons)
        ]
        frames.append(dict(frame_id=t, instances=instances))
    return frames


def write_json(content, path: Path) -> Path:
    """Write ``content`` as JSON to ``path``."""
    path.write_text(json.dumps(content))
    return path


def tiny_2d_model(tmp_path_factory) -> dict:
    """A few-line config over the shipped 2D CTR-GCN + FR Head config (16
    base channels, 20-frame clips through ``dataset_meta``) and a checkpoint
    of its initial weights, made once per session.

    Returns:
        dict: ``config`` and ``checkpoint`` (paths).
    """
    if not _MODELS:
        from mmfrhead.apis import init_recognizer
        root = tmp_path_factory.mktemp('tiny_2d')
        config = root / 'tiny_2d.py'
        config.write_text(
            f"_base_ = ['{REPO_ROOT / 'configs' / CONFIG_2D}']\n"
            'dataset_meta = dict(clip_len=20)\n'
            'model = dict(backbone=dict(base_channels=16), '
            'cls_head=dict(in_channels=64))\n')
        torch.manual_seed(0)
        model = init_recognizer(config)
        checkpoint = root / 'tiny_2d.pth'
        torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
        _MODELS.update(config=str(config), checkpoint=str(checkpoint))
    return _MODELS


def load_sample(fixtures_dir: Path) -> dict:
    """The UCF101 sample as stored (float16 arrays)."""
    return mmengine.load(ucf_sample_file(fixtures_dir))
