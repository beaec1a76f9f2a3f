"""``-o /dev/stdout`` is refused (a symbolic link) with what to give instead.

Found by a shell scripter: ``logistic predict m.json d.csv -o /dev/stdout``,
the usual spelling in scripts, ended with ``error: refusing to write
/dev/stdout: it is a symbolic link`` (exit 73) and no word of ``-o -``,
which writes the predictions to standard output; ``fit``, whose output
cannot be standard output, said the same. The refusal stays (docs/cli.md:
an output that is a symbolic link is refused); it now says what to give.
"""

from __future__ import annotations

import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_CANTCREAT, EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["predict", "m.json", UCLA, "-o", "/dev/stdout"], "; for standard output give -o -"),
        (["margins", "m.json", UCLA, "-o", "/dev/fd/1"], "; for standard output give -o -"),
        (
            ["fit", UCLA, "-t", "admit", "-o", "/dev/stdout"],
            "; this command writes a file, not standard output: name a file",
        ),
        (
            ["predict", "m.json", UCLA, "-o", "/dev/stderr"],
            "; stderr holds the messages, not an output: name a file",
        ),
    ],
)
def test_standard_stream_links_name_the_remedy(capsys, workdir, args, hint):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json"])
    assert code == EX_OK, err
    code, _, err = run_cli(capsys, args)
    link = args[args.index("-o") + 1]
    assert (code, err) == (
        EX_CANTCREAT,
        f"error: refusing to write {link}: it is a symbolic link{hint}\n",
    )


def test_other_links_keep_their_words(capsys, workdir):
    (workdir / "target.csv").write_text("")
    (workdir / "link.csv").symlink_to("target.csv")
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json"])
    assert code == EX_OK, err
    code, _, err = run_cli(capsys, ["predict", "m.json", UCLA, "-o", "link.csv"])
    assert (code, err) == (
        EX_CANTCREAT,
        "error: refusing to write link.csv: it is a symbolic link\n",
    )
