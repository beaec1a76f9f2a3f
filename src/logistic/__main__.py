"""``python -m logistic``: the ``logistic`` command, for environments where the
console script is not on ``PATH`` (:func:`logistic.cli.app.run_as_module`)."""

from logistic.cli.app import run_as_module

if __name__ == "__main__":
    run_as_module()
