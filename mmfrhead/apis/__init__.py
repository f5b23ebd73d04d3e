# mmfrhead.models first: it registers FRRecognizer and applies the stack
# fixes that mmaction.apis (imported by .inference) needs.
import mmfrhead.models  # noqa: F401
from .checkpoint import (load_recognizer_checkpoint, strip_fr_head,
                         strip_fr_head_file)
from .inference import (infer_skeleton, init_recognizer, load_skeleton,
                        model_skeleton, top_k_classes)

__all__ = [
    'load_recognizer_checkpoint', 'strip_fr_head', 'strip_fr_head_file',
    'init_recognizer', 'infer_skeleton', 'load_skeleton', 'model_skeleton',
    'top_k_classes'
]
