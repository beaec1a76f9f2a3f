"""The package's version, written once.

``pyproject.toml`` takes the distribution's version from here (setuptools
reads this literal without importing the package), so the installed metadata,
``logistic.__version__`` and the version stored in model files agree, and
reading it costs no import of ``importlib.metadata`` (≈ 10-15 ms of a
command's start-up).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
