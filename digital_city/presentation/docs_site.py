"""Generate dbt's docs as one offline HTML file and check it needs nothing from the network to render.

`dbt docs generate --static` inlines the manifest, the catalog, the scripts and the styles into
target/static_index.html. Plain links to other sites (<a href>) are fine offline; a script, stylesheet, font
or image fetched from a CDN is not, because the page would then render blank or broken without internet.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from digital_city.pipeline.dbt_runner import run

# Loads the browser performs by itself while rendering; anchors and text mentioning a URL are not loads.
_RENDER_LOADS = [
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"<(?:img|iframe|source)\b[^>]*\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?((?:https?:)?//[^\"')\s;]+)", re.IGNORECASE),
    re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE),
]


def remote_render_loads(html: str) -> list[str]:
    """URLs the page would fetch to render, in order of first appearance, each once."""
    found: dict[str, int] = {}
    for pattern in _RENDER_LOADS:
        for match in pattern.finditer(html):
            found.setdefault(match.group(1), match.start())
    return sorted(found, key=found.__getitem__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-path", type=Path, default=Path("target"))
    parser.add_argument("--out", type=Path, default=Path("build/docs/index.html"))
    parser.add_argument("--target", default=None, help="dbt target from profiles.yml (default: the profile's)")
    args = parser.parse_args(argv)
    target = ["--target", args.target] if args.target else []
    code = run(["docs", "generate", "--static", "--target-path", str(args.target_path), *target])
    if code != 0:
        return code
    static = args.target_path / "static_index.html"
    remote = remote_render_loads(static.read_text(encoding="utf-8"))
    if remote:
        print(f"{static} needs the network to render: {', '.join(remote)}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(static, args.out)
    print(f"docs site (one offline file, {args.out.stat().st_size / 1e6:.1f} MB): {args.out.resolve()}")
    return 0

