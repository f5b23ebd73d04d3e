from .confusion_matrix import plot_confusion_matrix
from .report import write_report
from .tsne import plot_tsne, tsne_embedding

__all__ = [
    'plot_confusion_matrix', 'plot_tsne', 'tsne_embedding', 'write_report'
]
