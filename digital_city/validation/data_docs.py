"""Great Expectations Data Docs that open with no network.

GX 1.24's pages load Bootstrap, jQuery, Font Awesome and friends from CDNs and a logo from S3
(great_expectations/render/view/templates/*.j2). `make install` installs the same files with npm, from the committed
package.json and package-lock.json (npm checks every tarball against the lock), into <venv>/share/data-docs/.
Vega, Vega-Lite and Vega-Embed come as the one script the visual report runs too (digital_city/vega_runtime.py).
`make_offline` copies the files a site needs beside its pages and points each address of CDN below at its copy.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

from digital_city.vega_runtime import runtime

ASSETS = Path(sys.prefix) / "share" / "data-docs"
VENDOR = Path("static") / "vendor"
VEGA = "vega-runtime.js"  # digital_city/vega_runtime.py: GX's pages call only vegaEmbed
S3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
# The dark-mode logo has no local copy in GX; the light one stands in.
S3_SUBSTITUTES = {"full_logo_dark.png": "logo-long.png"}
# Each address GX's templates load -> the file under node_modules/ that replaces it; None: part of the Vega bundle,
# whose <script> is dropped (the bundle declares top-level constants, so it may run only once).
# The filter-control stylesheets are asked for at 1.19.0, the rest of bootstrap-table at 1.19.1: 1.19.1 serves both.
CDN: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/vega@5": VEGA,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "@fortawesome/fontawesome-free/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
}
# Directories a vendored stylesheet loads files from (all.min.css: ../webfonts/).
COMPANIONS = ("@fortawesome/fontawesome-free/webfonts",)
TAG = re.compile(r"<(?:script|link)\b[^>]*>(?:\s*</script>)?", re.IGNORECASE)
ADDRESS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# What a page asks the browser to fetch: src or href of any tag but <a>, and url() in styles.
LOADS = re.compile(r"""<(?!a\b)\w+[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*['"]?([^'")]+)""", re.IGNORECASE)
INTEGRITY = re.compile(r"""\s+(integrity|crossorigin)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


class OfflineError(Exception):
    """A Data Docs site that would still need the network, or whose assets are not installed; one readable message."""


def sri_matches(integrity: str, content: bytes) -> bool:
    """Whether `content` is the file a subresource-integrity attribute (`sha384-<base64>` ...) names."""
    tokens = [token.partition("-") for token in integrity.split()]
    return any(base64.b64encode(hashlib.new(algorithm, content).digest()).decode() == expected
               for algorithm, _, expected in tokens if algorithm in {"sha256", "sha384", "sha512"})


def localise(page: Path, site: Path, text: str) -> str:
    """`text` of one page or stylesheet with every CDN and S3 address pointed at the site's own copy."""
    def relative(target: Path) -> str:
        return Path(os.path.relpath(site / target, page.parent)).as_posix()

    def tag(match: re.Match[str]) -> str:
        raw = match.group(0)
        address = ADDRESS.search(raw)
        if address is None or address.group(1) not in CDN:
            return raw
        vendored = CDN[address.group(1)]
        if vendored is None:
            return ""
        integrity = dict((k.lower(), v) for k, v in INTEGRITY.findall(raw)).get("integrity")
        if integrity and not sri_matches(integrity, (site / VENDOR / vendored).read_bytes()):
            raise OfflineError(f"{page}: {vendored} does not match the page's integrity {integrity}: "
                               "not the file the CDN serves")
        # Browsers refuse subresource integrity on file:// pages (it needs CORS): checked above, then removed.
        return INTEGRITY.sub("", raw).replace(address.group(1), relative(VENDOR / vendored))

    text = TAG.sub(tag, text)
    for name in set(re.findall(re.escape(S3) + r"([\w.-]+)", text)):
        image = S3_SUBSTITUTES.get(name, name)
        if (site / "static" / "images" / image).is_file():
            text = text.replace(S3 + name, relative(Path("static") / "images" / image))
    # favicon.j2 counts one directory too few on validation pages: point a missing static/ file at the one there is.
    for wrong in set(re.findall(r"""(?<=["'])(?:\.\./)*static/[^"']+""", text)):
        inside = wrong[wrong.index("static/"):]
        if not (page.parent / wrong).is_file() and (site / inside).is_file():
            text = re.sub(rf"""(?<=["']){re.escape(wrong)}(?=["'])""", relative(Path(inside)), text)
    return text


def make_offline(site_dir: Path, assets: Path = ASSETS) -> None:
    """Make a rendered Data Docs site open with no network; raise OfflineError naming anything still external.
    Safe to run again on a site it already rewrote."""
    site = site_dir.resolve()
    modules = assets / "node_modules"
    if not modules.is_dir():
        raise OfflineError(f"the Data Docs assets are not installed in {assets}: run `make install`")
    for vendored in {v for v in CDN.values() if v and v != VEGA} | set(COMPANIONS):
        source, target = modules / vendored, site / VENDOR / vendored
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
    (site / VENDOR / VEGA).write_text(runtime(), encoding="utf-8")
    problems = []
    for path in sorted([*site.rglob("*.html"), *site.glob("static/styles/*.css")]):
        text = path.read_text(encoding="utf-8")
        offline = localise(path, site, text)
        if offline != text:
            path.write_text(offline, encoding="utf-8")
        for url in [tag or css for tag, css in LOADS.findall(offline)] if path.suffix == ".html" else []:
            if re.match(r"(https?:)?//", url):
                problems.append(f"{path.relative_to(site)}: loads {url}")
            elif not url.startswith(("data:", "#")) and not (path.parent / url.split("?")[0]).is_file():
                problems.append(f"{path.relative_to(site)}: points at a missing file: {url}")
    if problems:
        raise OfflineError(f"{len(problems)} address(es) in {site} still need the network or a missing file:\n  "
                           + "\n  ".join(problems))
