"""Figures of the analysis report: matplotlib and scikit-learn.

Both come with the ``optional`` extra. Without them, importing this package
raises a ``ModuleNotFoundError`` that says how to install them, and
:func:`mmfrhead.analysis.write_report` still writes the tables.
"""
# Modules imported by the figures, and the package that installs each.
_REQUIREMENTS = dict(
    matplotlib='matplotlib',
    sklearn='scikit-learn',
    threadpoolctl='scikit-learn')

try:
    from .confusion_matrix import plot_confusion_matrix
    from .tsne import plot_tsne, tsne_embedding
except ModuleNotFoundError as err:
    package = _REQUIREMENTS.get(str(err.name).split('.')[0])
    if package is None:
        raise
    raise ModuleNotFoundError(
        f'the figures need {package}, which is not installed: '
        'pip install -e ".[optional]"',
        name=err.name) from err

__all__ = ['plot_confusion_matrix', 'plot_tsne', 'tsne_embedding']
