"""``logistic report``: a self-contained HTML file that a real browser renders.

The browser test needs Chromium (Debian package ``chromium``); CI installs it.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import data_path, fit_ucla_model
from logistic.cli.app import main

FIGURES = ("roc", "pr", "calibration", "coefficients", "convergence")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("report")
    data = data_path("ucla-admissions", "binary.csv")
    fit_ucla_model(d)
    assert main(["report", str(d / "m.json"), str(data), "-o", str(d / "r.html")]) == 0
    return d / "r.html"


def test_report_is_self_contained_with_every_section(report_file):
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for ident in FIGURES:
        assert f'<figure id="{ident}"><img' in text
    for table in ("metrics", "confusion", "summary", "calibration-table"):
        assert f'<table id="{table}">' in text
    # nothing is fetched from elsewhere: only data: URIs
    assert not re.search(r'(src|href)="(?!data:)', text)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == len(FIGURES)
    for b64 in images:
        assert base64.b64decode(b64).startswith(b"\x89PNG\r\n\x1a\n")
    # the summary table carries R's estimates (README of ucla-admissions)
    assert "-3.98998" in text and "-1.55146" in text and "0.417832" in text
    assert "deviance 458.517" in text and "aic 470.517" in text  # R: 458.52, 470.52


def test_report_refuses_existing_output_and_single_class(report_file, tmp_path, capsys):
    model = report_file.parent / "m.json"
    data = data_path("ucla-admissions", "binary.csv")
    before = report_file.read_bytes()
    assert main(["report", str(model), str(data), "-o", str(report_file)]) == 73
    assert report_file.read_bytes() == before
    one = tmp_path / "one.csv"
    one.write_text("admit,gre,gpa,rank\n0,500,3.0,1\n0,600,3.5,2\n")
    capsys.readouterr()
    assert main(["report", str(model), str(one), "-o", str(tmp_path / "r.html")]) == 65
    assert "curves need both classes" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(
    _chromium() is None, reason="Chromium is not installed (apt-get install chromium)"
)
def test_report_renders_in_headless_chromium(report_file, tmp_path):
    from PIL import Image

    # a copy that records each image's decoded width once the page has loaded
    probe = tmp_path / "probe.html"
    probe.write_text(
        report_file.read_text().replace(
            "</body>",
            '<script>window.addEventListener("load", () => document.body.setAttribute('
            '"data-widths", [...document.images].map(i => i.naturalWidth).join(",")))'
            "</script></body>",
        )
    )
    flags = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    widths = re.search(r'data-widths="([^"]*)"', dom.stdout)
    assert widths, dom.stderr[-2000:]
    assert all(int(w) > 0 for w in widths.group(1).split(",")), widths.group(1)
    assert len(widths.group(1).split(",")) == len(FIGURES)
    assert "Uncaught" not in dom.stderr and "Failed to load resource" not in dom.stderr

    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            *flags,
            f"--screenshot={shot}",
            "--window-size=1200,3000",
            report_file.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16)
    assert pixels.shape[:2] == (3000, 1200)
    non_white = (pixels < 245).any(axis=2)
    assert non_white.mean() > 0.03  # text, tables and five plots, not a blank page
    # the plots' line colours are on screen (matplotlib C0 blue, C1 orange, C2 green)
    for rgb in ((31, 119, 180), (255, 127, 14), (44, 160, 44)):
        close = (np.abs(pixels - np.array(rgb)).sum(axis=2) < 40).sum()
        assert close > 200, rgb


def test_report_of_a_model_without_covariance_says_so(tmp_path, capsys):
    # penalised fits (and streamed ones) store no covariance: no intervals
    data = data_path("ucla-admissions", "binary.csv")
    m, r = tmp_path / "m.json", tmp_path / "r.html"
    argv = ["fit", str(data), "-t", "admit", "--penalty", "l2", "--alpha", "0.1"]
    assert main([*argv, "-o", str(m)]) == 0
    assert main(["report", str(m), str(data), "-o", str(r)]) == 0
    text = r.read_text(encoding="utf-8")
    assert "Coefficients (the model file stores no covariance: no intervals)" in text
    assert "Coefficients with 95% confidence intervals" not in text
