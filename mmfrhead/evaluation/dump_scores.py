from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmfrhead.analysis.dump import make_dump, save_dump


@METRICS.register_module()
class DumpScores(BaseMetric):
    """Write every test sample's name, label and raw class scores to a file.

    The file is the dump of :mod:`mmfrhead.analysis.dump`: ``names``,
    ``labels``, ``logits``, ``probs = softmax(logits)``, and ``features`` when
    :class:`PooledFeatureHook` runs. ``pred_score`` must hold raw scores, so
    the classifier must average scores, not probabilities, over clips
    (``cls_head.average_clips='score'``); ``tools/test.py --dump`` sets it.
    The samples need their ``frame_dir``
    (``PackActionInputs(meta_keys=('frame_dir', ))``).

    Args:
        out_file_path (str): Output ``.pkl`` file.
        classes (Sequence[str], optional): Class names stored in the dump.
            Defaults to None.
        collect_device (str): Device used to gather the results of all
            ranks. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the (empty) metric names.
            Defaults to None.
    """
    default_prefix: Optional[str] = 'dump'

    def __init__(self,
                 out_file_path: str,
                 classes: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not out_file_path.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'out_file_path must be a .pkl file, got {out_file_path}')
        self.out_file_path = out_file_path
        self.classes = classes

    def process(self, data_batch: Any, data_samples: Sequence[Dict]) -> None:
        """Keep the name, label, scores (and features) of every sample.

        Args:
            data_batch (Any): The batch from the dataloader (unused).
            data_samples (Sequence[dict]): The predictions of the batch.
        """
        for sample in data_samples:
            if 'frame_dir' not in sample:
                raise KeyError(
                    'DumpScores needs the sample names: add '
                    "meta_keys=('frame_dir', ) to PackActionInputs in the "
                    'test pipeline')
            result = dict(
                name=sample['frame_dir'],
                label=int(sample['gt_label'].item()),
                logits=sample['pred_score'].float().cpu().numpy())
            if 'pooled_feature' in sample:
                result['feature'] = sample['pooled_feature'].cpu().numpy()
            self.results.append(result)

    def compute_metrics(self, results: List[Dict]) -> Dict:
        """Write the dump; no metric is computed.

        Args:
            results (list[dict]): The results of all samples, in dataset
                order.

        Returns:
            dict: Empty.
        """
        features = None
        if 'feature' in results[0]:
            features = np.stack([r['feature'] for r in results])
        dump = make_dump(
            names=[r['name'] for r in results],
            labels=[r['label'] for r in results],
            logits=np.stack([r['logits'] for r in results]),
            classes=self.classes,
            features=features)
        save_dump(dump, self.out_file_path)
        MMLogger.get_current_instance().info(
            f'Scores of {len(results)} samples dumped to '
            f'{self.out_file_path}')
        return {}
