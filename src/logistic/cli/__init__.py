"""The ``logistic`` command line: a thin shell over the public library.

``app.py`` joins one module per command; the CLI needs the ``cli`` extra
(typer, rich, pyarrow, formulaic).
"""
