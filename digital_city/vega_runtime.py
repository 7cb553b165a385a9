"""The Vega runtime the project's HTML pages run (the visual report, the Data Docs' charts): Vega, Vega-Lite and
Vega-Embed as one script that sets `window.vegaEmbed`, bundled offline by vl-convert from the Python environment."""

from __future__ import annotations

import functools
import hashlib
import os

import vl_convert

from digital_city.project import ROOT

BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed;"


@functools.cache
def runtime() -> str:
    """The bundled script. Bundling takes seconds and gives the same script for a given vl-convert, so it is kept
    under build/cache/."""
    key = hashlib.sha256(BUNDLE_SNIPPET.encode()).hexdigest()[:12]
    cached = ROOT / "build" / "cache" / f"vl-convert-{vl_convert.__version__}-{key}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    partial.write_text(bundle, encoding="utf-8")
    partial.replace(cached)  # atomic: a concurrent reader sees the whole file or none
    return bundle
