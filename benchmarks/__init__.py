"""Benchmarks of mmfrhead against the reference layout (not installed).

``tests/benchmarks`` imports :mod:`benchmarks.reference_impl` from the
repository root; the scripts run as ``python benchmarks/<script>.py``.
"""
