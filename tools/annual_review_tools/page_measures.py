"""The public pages as a browser receives them (``make bench``): the home page's transferred
bytes with its assets and one year's data, and Lighthouse scores on mobile and desktop.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any


def page_weight(public: Any, year: str) -> list[str]:
    """The home page as a browser loads it with one year's data, gzip-compressed as CloudFront
    serves it: the rendered page, every asset it loads (GOV.UK Frontend's stylesheet, the site's,
    the scripts) and the year's index, councils and hex layout the scripts fetch."""
    import gzip
    from pathlib import Path

    root = Path(public)
    assets = [root / "index.html", *sorted(p for p in (root / "assets").rglob("*") if p.is_file())]
    assets = [p for p in assets if p.is_file() and p.suffix in (".html", ".css", ".js", ".svg")]
    data = [
        root / "data" / "index.json",
        root / "data" / year / "councils.json",
        root / "data" / year / "hexmap.json",
    ]

    def size(paths: list[Path]) -> tuple[int, int]:
        raw = sum(p.stat().st_size for p in paths)
        packed = sum(len(gzip.compress(p.read_bytes(), 6, mtime=0)) for p in paths)
        return raw, packed

    (page_raw, page_gz), (asset_raw, asset_gz), (data_raw, data_gz) = (
        size(assets[:1]),
        size(assets[1:]),
        size(data),
    )
    lines = [
        "| what | files | bytes | gzip bytes |",
        "|---|---:|---:|---:|",
        f"| home page (rendered at release: overview, map, table of every council) | 1 |"
        f" {page_raw:,} | {page_gz:,} |",
        f"| assets (GOV.UK Frontend CSS, site CSS, scripts, icon) | {len(assets) - 1} |"
        f" {asset_raw:,} | {asset_gz:,} |",
        f"| one year's data (index, councils, hex layout) | {len(data)} | {data_raw:,} |"
        f" {data_gz:,} |",
        f"| **total** | {len(assets) + len(data)} | {page_raw + asset_raw + data_raw:,} |"
        f" **{page_gz + asset_gz + data_gz:,}** (target < 150,000) |",
    ]
    measured = Path("out/page-benchmark.json")
    if measured.is_file():
        drawn = json.loads(measured.read_text()).get("map_drawn_ms")
        lines += ["", f"Time to the map drawn (browser test, Performance API mark): {drawn:.0f} ms"]
    return lines


LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_scores(public: Any, pages: list[tuple[str, str]], runs: int = 1) -> list[str]:
    """Lighthouse (npm ``lighthouse@12.2.3`` with Debian's Chromium) on each page, mobile and
    desktop, against the public tree served as CloudFront serves it (gzip, folder index). Best
    of ``runs`` by performance. Optional: when npx or Chromium is missing, says so."""
    import shutil
    import tempfile
    from pathlib import Path

    from annual_review_tools.local.static_site import serving

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which("npx") or not Path(chromium).exists():
        return [
            "Not measured: Lighthouse needs npx (Node.js) and Chromium (apt-get install chromium)."
        ]
    lines = [
        "| page | form factor | performance | accessibility | best practices | SEO | CLS | LCP ms"
        " | TBT ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with serving(Path(public)) as base, tempfile.TemporaryDirectory() as tmp:
        for name, path in pages:
            for form in ("mobile", "desktop"):
                best: dict[str, Any] | None = None
                for attempt in range(runs):
                    report = Path(tmp) / f"{form}-{attempt}.json"
                    command = [
                        "npx", "--yes", LIGHTHOUSE, base + path.lstrip("/"), "--quiet",
                        "--output=json", f"--output-path={report}",
                        "--chrome-flags=--headless --no-sandbox",
                        f"--only-categories={','.join(CATEGORIES)}",
                        *(["--preset=desktop"] if form == "desktop" else []),
                    ]  # fmt: skip
                    done = subprocess.run(  # noqa: S603
                        command, capture_output=True, text=True, timeout=600,
                        env={**os.environ, "CHROME_PATH": chromium}, check=False,
                    )  # fmt: skip
                    if done.returncode != 0 or not report.exists():
                        return [f"Not measured: Lighthouse failed ({done.stderr.strip()[-300:]})."]
                    found = json.loads(report.read_text())
                    score = found["categories"]["performance"]["score"]
                    if best is None or score > best["categories"]["performance"]["score"]:
                        best = found
                assert best is not None
                scores = [round(best["categories"][c]["score"] * 100) for c in CATEGORIES]
                audits = best["audits"]
                lines.append(
                    f"| {name} (`{path}`) | {form} | "
                    + " | ".join(str(s) for s in scores)
                    + f" | {audits['cumulative-layout-shift']['numericValue']:.3f}"
                    f" | {audits['largest-contentful-paint']['numericValue']:.0f}"
                    f" | {audits['total-blocking-time']['numericValue']:.0f} |"
                )
    lines += [
        "",
        "Targets: performance at least 95, CLS at most 0.05, accessibility, best practices and SEO "
        "100. Lighthouse's simulated throttling on a shared 2-core machine; the best of "
        f"{runs} run(s) per page and form factor.",
    ]
    return lines
