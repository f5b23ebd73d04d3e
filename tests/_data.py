"""Small real annotation files cut from the shared data sets."""
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import mmengine


def per_class_subset(full: dict,
                     picks: Dict[str, Tuple[str, int]],
                     out: Path,
                     labels: Optional[Iterable[int]] = None) -> Path:
    """Write the first samples of every class of some splits to ``out``.

    Args:
        full (dict): An annotation file's content (``split``,
            ``annotations``).
        picks (dict): ``{written split: (split of full, samples per
            class)}``.
        out (Path): The pickle to write.
        labels (Iterable[int], optional): Keep only these classes.
            Defaults to all.

    Returns:
        Path: ``out``.
    """
    label = {a['frame_dir']: a['label'] for a in full['annotations']}
    keep_labels = None if labels is None else set(labels)
    split = {}
    for name, (source, per_class) in picks.items():
        counts, kept = {}, []
        for frame_dir in full['split'][source]:
            y = label[frame_dir]
            if keep_labels is not None and y not in keep_labels:
                continue
            if counts.get(y, 0) < per_class:
                counts[y] = counts.get(y, 0) + 1
                kept.append(frame_dir)
        split[name] = kept
    names = {n for kept in split.values() for n in kept}
    mmengine.dump(
        dict(
            split=split,
            annotations=[
                a for a in full['annotations'] if a['frame_dir'] in names
            ]), out)
    return out
