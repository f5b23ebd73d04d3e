import warnings
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.optim import OptimWrapper


def has_native_bf16(device: str) -> bool:
    """Whether ``device`` computes bfloat16 natively.

    CPUs need AVX512-BF16 or AMX units (oneDNN emulates bfloat16 elsewhere,
    more slowly than float32), GPUs compute capability 8.0 or more.

    Args:
        device (str): ``'cpu'`` or ``'cuda'``.
    """
    if device == 'cpu':
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    if device == 'cuda':
        return torch.cuda.is_bf16_supported(including_emulation=False)
    return True


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """Mixed-precision training in bfloat16, on CPUs as well as GPUs.

    The forward pass (and so the loss) runs under
    ``torch.autocast(<device of the model>, dtype=torch.bfloat16)``:
    convolutions and matmuls compute in bfloat16, the ops autocast keeps in
    float32 (losses, softmax, normalisation statistics) stay there.
    Parameters, gradients, optimiser state and buffers (FR Head's
    prototypes, AimCLR's queue) stay float32, so the checkpoints are those
    of float32 training. bfloat16 has float32's exponent range, so no loss
    scaling is needed: backward and step are :class:`OptimWrapper`'s.

    MMEngine's ``AmpOptimWrapper`` refuses to run without an accelerator.
    On a CPU with AVX512-BF16 or AMX units a CTR-GCN + FR Head training step
    is about 1.5 times as fast as in float32
    (``benchmarks/precision_step_time.py``). Where the device has no native
    bfloat16 (:func:`has_native_bf16`) it would be slower and less precise,
    so the wrapper warns and trains in float32. Validation and testing are
    not affected: they run in float32.

    Args:
        **kwargs: The arguments of :class:`OptimWrapper` (``optimizer``,
            ``clip_grad``, ``accumulative_counts``).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.enabled = None  # decided on the first step, by the device

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Autocast to bfloat16 on the model's device, within the context
        of :class:`OptimWrapper` (no gradient sync while accumulating).

        Args:
            model (nn.Module): The training model (a DDP wrapper or not).
        """
        device = next(model.parameters()).device.type
        if self.enabled is None:
            self.enabled = has_native_bf16(device)
            if not self.enabled:
                warnings.warn(
                    f'BF16OptimWrapper: this {device} has no native bfloat16 '
                    '(AVX512-BF16 or AMX on a CPU, compute capability 8.0 on '
                    'a GPU); training in float32 instead')
        with super().optim_context(model), torch.autocast(
                device_type=device,
                dtype=torch.bfloat16,
                enabled=self.enabled):
            yield
