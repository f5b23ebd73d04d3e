"""A markdown report of the Sec. 4.5 analyses, with or without figures.

The tables need numpy only; the figures are drawn by
:mod:`mmfrhead.visualization` (matplotlib, scikit-learn), imported only when
the report has figures.
"""
import re
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from .analyze import analyze_dumps
from .tiers import TIER_THRESHOLDS, TIERS


def write_report(dumps: Dict[str, Dict],
                 reference: str,
                 out_dir: Union[str, Path],
                 class_names: Sequence[str],
                 tsne_anchors: Optional[Sequence[int]] = None,
                 thresholds: Sequence[float] = TIER_THRESHOLDS,
                 figures: bool = True) -> Path:
    """Write ``report.md`` with tables and PNG figures into ``out_dir``.

    The report holds the overall accuracies, the difficulty tiers and the
    ambiguous groups (both defined by ``reference``, see
    :func:`~mmfrhead.analysis.analyze_dumps`) and the per-class accuracy;
    with figures, also one confusion matrix per model
    (``confusion_<model>.png``) and, per t-SNE anchor, the t-SNE maps of its
    group for every model (``tsne_<anchor>.png``), on the dumped pooled
    features, or on the logits of a dump without features. Every table has
    a column per model and, for each other model, its difference to the
    reference.

    Args:
        dumps (dict[str, dict]): Model name to dump, the same samples in
            the same order.
        reference (str): The model defining tiers and groups (baseline).
        out_dir (str | Path): Output folder, created if needed.
        class_names (Sequence[str]): Names of the K classes.
        tsne_anchors (Sequence[int], optional): Anchor classes of the groups
            drawn with t-SNE. Defaults to the anchor of the group with the
            lowest reference accuracy.
        thresholds (Sequence[float]): Tier thresholds. Defaults to
            ``(0.7, 0.9)``.
        figures (bool): Draw the confusion matrices and the t-SNE maps.
            Defaults to True.

    Returns:
        Path: The ``report.md`` file.

    Raises:
        ModuleNotFoundError: With figures, if matplotlib or scikit-learn is
            missing; the message names the extra that installs them.
    """
    result = analyze_dumps(dumps, reference, thresholds)
    if len(class_names) != len(result['class_counts']):
        raise ValueError(f'{len(class_names)} class names for '
                         f'{len(result["class_counts"])} classes')
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = _Table(list(dumps), reference)
    lines = ['# Analysis report', '']
    lines += _overall(result, table)
    lines += _tiers(result, table, class_names, thresholds)
    lines += _groups(result, table, class_names)
    lines += _per_class(result, table, class_names)
    anchors = _tsne_anchors(result, reference, class_names, tsne_anchors)
    if figures:
        lines += _figures(dumps, result, class_names, out_dir, anchors)
    report = out_dir / 'report.md'
    report.write_text('\n'.join(lines))
    return report


class _Table:
    """Markdown tables with a column per model and the gains over the
    reference model."""

    def __init__(self, models: List[str], reference: str) -> None:
        self.models = models
        self.reference = reference
        self.others = [m for m in models if m != reference]

    def header(self, *first: str) -> List[str]:
        gains = [f'{m} - {self.reference}' for m in self.others]
        return list(first) + self.models + gains

    def scored(self, values: Dict[str, float]) -> List[str]:
        """Each model's value (%), then the other models' gains."""
        ref = values[self.reference]
        gains = [_pct(values[m] - ref, sign=True) for m in self.others]
        return [_pct(values[m]) for m in self.models] + gains

    @staticmethod
    def render(header: Sequence[str], rows: List[Sequence]) -> List[str]:
        lines = [
            '| ' + ' | '.join(header) + ' |', '|' + ' --- |' * len(header)
        ]
        lines += ['| ' + ' | '.join(map(str, row)) + ' |' for row in rows]
        return lines + ['']


def _pct(value: float, sign: bool = False) -> str:
    if np.isnan(value):
        return '-'
    return f'{100 * value:+.2f}' if sign else f'{100 * value:.2f}'


def _overall(result: Dict, table: _Table) -> List[str]:
    header = ['model', 'samples', 'top-1 (%)', 'top-5 (%)', 'mean class (%)']
    rows = []
    for name in table.models:
        metrics = result['models'][name]['metrics']
        rows.append([
            name + (' (reference)' if name == table.reference else ''),
            len(result['labels']),
            _pct(metrics['top1']),
            _pct(metrics['top5']),
            _pct(metrics['mean_class_accuracy'])
        ])
    return table.render(header, rows)


def _tiers(result: Dict, table: _Table, class_names: Sequence[str],
           thresholds: Sequence[float]) -> List[str]:
    low, high = (round(100 * t) for t in thresholds)
    lines = [
        '## Difficulty tiers', '',
        f'Classes by the per-class accuracy of {table.reference}: hard < '
        f'{low} %, medium {low}-{high} %, easy > {high} % (paper Sec. 4.5, '
        'Table 4). Accuracy (%) over the samples of the classes of each '
        'tier.', ''
    ]
    rows = []
    for tier in TIERS:
        classes = result['tiers'][tier]
        accs = {
            m: result['models'][m]['tier_accuracy'][tier]
            for m in table.models
        }
        rows.append(
            [tier,
             len(classes),
             int(result['class_counts'][classes].sum())] + table.scored(accs))
    lines += table.render(table.header('tier', 'classes', 'samples'), rows)
    for tier in TIERS:
        members = ', '.join(class_names[c] for c in result['tiers'][tier])
        lines.append(f'- {tier}: {members or "none"}')
    return lines + ['']


def _groups(result: Dict, table: _Table,
            class_names: Sequence[str]) -> List[str]:
    lines = [
        '## Ambiguous groups', '',
        f'An anchor class and the three classes {table.reference} most '
        'often predicts for its samples; group accuracy (%) = mean of the '
        'per-class accuracies of its classes. Hardest groups first.', ''
    ]
    groups = result['groups']
    if not groups:
        return lines + [f'{table.reference} misclassifies no sample.', '']
    rows = []
    ref_accs = result['models'][table.reference]['group_accuracy']
    for i in np.argsort(ref_accs, kind='stable'):
        accs = {
            m: result['models'][m]['group_accuracy'][i]
            for m in table.models
        }
        confused = ', '.join(class_names[c] for c in groups[i][1:])
        rows.append([class_names[groups[i][0]], confused] + table.scored(accs))
    return lines + table.render(table.header('anchor', 'confused with'), rows)


def _per_class(result: Dict, table: _Table,
               class_names: Sequence[str]) -> List[str]:
    tier_of = {c: t for t in TIERS for c in result['tiers'][t]}
    rows = []
    for cls, name in enumerate(class_names):
        accs = {
            m: result['models'][m]['class_accuracy'][cls]
            for m in table.models
        }
        rows.append(
            [cls, name, result['class_counts'][cls],
             tier_of.get(cls, '-')] + table.scored(accs))
    header = table.header('label', 'class', 'samples', 'tier')
    return ['## Per-class accuracy (%)', ''] + table.render(header, rows)


def _tsne_anchors(result: Dict, reference: str, class_names: Sequence[str],
                  anchors: Optional[Sequence[int]]) -> List[int]:
    """The given t-SNE anchors, checked, or the hardest group's anchor."""
    if anchors is None:
        accs = result['models'][reference]['group_accuracy']
        return [result['groups'][int(np.argmin(accs))][0]] if accs else []
    anchored = {group[0] for group in result['groups']}
    for anchor in anchors:
        if anchor not in anchored:
            raise ValueError(f'class {anchor} ({class_names[anchor]}) has no '
                             f'ambiguous group: {reference} misclassifies '
                             'none of its samples')
    return list(anchors)


def _figures(dumps: Dict[str, Dict], result: Dict, class_names: Sequence[str],
             out_dir: Path, anchors: Sequence[int]) -> List[str]:
    """Draw the confusion matrices and the t-SNE maps of the groups."""
    from mmfrhead.visualization import plot_confusion_matrix, plot_tsne
    lines = ['## Confusion matrices', '']
    for name, model in result['models'].items():
        png = 'confusion_' + re.sub(r'[^A-Za-z0-9]+', '_', name) + '.png'
        plot_confusion_matrix(
            model['confusion'], class_names, out_dir / png, title=name)
        lines += [f'![confusion matrix of {name}]({png})', '']
    lines += ['## t-SNE of ambiguous groups', '']
    features = {}
    for name, dump in dumps.items():
        features[name] = dump.get('features', dump['logits'])
        kind = 'pooled features' if 'features' in dump else 'logits'
        lines.append(f'- {name}: {kind}')
    lines.append('')
    groups = {group[0]: group for group in result['groups']}
    for anchor in anchors:
        png = f'tsne_{anchor}.png'
        plot_tsne(features, result['labels'], groups[anchor], class_names,
                  out_dir / png)
        members = ', '.join(class_names[c] for c in groups[anchor])
        lines += [
            f'Group of {class_names[anchor]}: {members}', '',
            f'![t-SNE of the group of {class_names[anchor]}]({png})', ''
        ]
    return lines
