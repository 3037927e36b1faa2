"""The HTML report: one self-contained page with its charts, checked as text and in Chromium.

The screenshot test needs a headless Chromium (Debian: `apt-get install -y chromium`); without
one it is skipped with that instruction.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from html import escape

import numpy as np
import pytest

from bfcl_adapter.diagnosis import compare, diagnose, read_run, read_targets
from reports.html_report import html_report

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "tests" / "fixtures" / "runs"
EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def page() -> str:
    data0, data1 = read_run(RUNS / "round0"), read_run(RUNS / "round1")
    before, after = diagnose(data0), diagnose(data1)
    targets = read_targets(ROOT / "reports" / "targets" / "llama-3.2-1b.toml")
    return html_report(after, [compare(data0, data1)], targets, baseline=before, rounds=[before, after])


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert "@import" not in page
    assert not re.search(r"""url\(\s*['"]?(?!#)""", page)  # only in-page references: url(#clip)
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page  # stripped from the inline SVGs


def test_page_has_the_charts_and_sections(page):
    assert page.count("<svg") == 2
    assert 'id="category-bars"' in page and 'id="round-curves"' in page
    for heading in ("BFCL v4 summary", "Categories", "Loop rounds", "Comparisons",
                    "Distance to target", "Ranked gaps"):  # fmt: skip
        assert f"<h2>{heading}" in page
    assert "round0 → round1" in page
    assert "simple_python_4" in page  # a flipped case
    assert escape("[uber.ride(loc='123 Hanoi Street', type='plus')]") in page  # an example


def test_page_escapes_model_output():
    from bfcl_adapter.diagnosis import CaseRecord, RunData, RunInfo
    from bfcl_adapter.categories import Category

    run = RunData(RunInfo(Path("x")), (CaseRecord("irrelevance_0", Category.IRRELEVANCE, False,
                                                  "irrelevance_error:decoder_success",
                                                  "[f(a='<script>alert(1)</script>')]"),))  # fmt: skip
    page = html_report(diagnose(run, entries={}))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_single_run_has_bars_but_no_round_curves():
    page = html_report(diagnose(read_run(RUNS / "round0")))
    assert page.count("<svg") == 1 and "round-curves" not in page


def test_reports_do_not_import_matplotlib_or_harness_until_drawing():
    code = (
        "import sys, reports, reports.html_report, reports.diagnosis_report, reports.markdown_report, "
        "reports.charts, bfcl_adapter.diagnosis;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'harness', 'torch')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.timeout(120)
def test_page_renders_in_headless_chromium(page, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    png = tmp_path / "out.png"
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}", "--window-size=1200,2000", html.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=90)
    assert png.exists(), f"no screenshot; chromium said: {result.stderr[-2000:]}"
    assert png.stat().st_size > 20_000

    import matplotlib.image

    pixels = matplotlib.image.imread(png)
    assert pixels.shape[:2] == (2000, 1200)
    rgb = (pixels[..., :3] * 255).round().astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 50, "page looks blank"
    non_white = np.any(rgb < 240, axis=1).mean()
    assert 0.02 < non_white < 0.9
    # the bar chart's blue is on screen: the inline SVG was drawn, not just the tables
    blue = np.all(np.abs(rgb.astype(int) - [0x2F, 0x6D, 0xB5]) < 12, axis=1).sum()
    assert blue > 2000
