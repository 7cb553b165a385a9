"""Great Expectations Data Docs that open with no network.

GX 1.24 renders Data Docs whose pages load Bootstrap, jQuery, Vega, Font Awesome and friends from CDNs
(great_expectations/render/view/templates/js_script_imports.j2, page.j2, index_page.j2, page_minimal.j2) and its logo
from S3 (top_navbar.j2, data_docs_default_styles.css). Offline those pages render as unstyled text. This module puts
the same files beside the pages.

Two public steps:

install (make install runs it after the venv sync, behind a stamp like the venv's)
    python -m digital_city data-docs-assets
    Reads data_docs_assets.lock.json (one version per npm package, its npm `dist.integrity`, the files to take),
    fetches each tarball from the npm registry, checks its integrity and extracts the listed files into
    <venv>/share/digital_city/data_docs_assets/<first 16 hex of the lock's sha256>/<package>@<version>/<file>.
    A second run with the same lock does nothing. `--write-lock` resolves SPEC (below) against the registry and
    rewrites the lock; the registry is https://registry.npmjs.org unless npm's own `npm_config_registry` says otherwise.

make_offline(site_dir)
    Takes a rendered Data Docs site (index.html, expectations/, validations/, static/), copies the installed files
    into site_dir/static/vendor/<package>@<version>/, rewrites every CDN and S3 address in every page to a relative
    path (pages sit at different depths), replaces S3 images by the copies GX ships in static/images/, repairs
    GX's favicon link on validation pages (favicon.j2 counts one directory too few), and raises OfflineError
    listing any page that still loads something from the network or from a missing local file. Plain <a href>
    links to other sites stay.

Integrity attributes (GX pins popper.js and bootstrap.js with sha384): make_offline checks the vendored file
against the attribute, fails if it differs, then removes `integrity` and `crossorigin` with a comment saying so,
because Chromium refuses subresource integrity on file:// pages (it needs CORS, which file URLs do not have: the
script is blocked, measured with Debian's chromium 156).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import os
import posixpath
import re
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from digital_city.project import ROOT

LOCK_PATH = ROOT / "data_docs_assets.lock.json"
# Like pip's index URL: where packages come from is configuration, not part of the lock.
DEFAULT_REGISTRY = "https://registry.npmjs.org"
REGISTRY_ENV = "npm_config_registry"
VENDOR = PurePosixPath("static") / "vendor"
S3_BASE = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
# S3 images GX ships no local copy of -> the local image that stands in. full_logo_dark.png is the navbar logo under
# prefers-color-scheme: dark; the light logo is the only one GX ships.
S3_SUBSTITUTES = {"full_logo_dark.png": "logo-long.png"}
DOWNLOAD_TIMEOUT_SECONDS = 60


class DataDocsAssetError(Exception):
    """A one-line, user-facing failure: the lock, the registry or a tarball is not as expected."""


class OfflineError(DataDocsAssetError):
    """A Data Docs site still needs the network (or a missing local file) after make_offline."""


@dataclass(frozen=True)
class Asset:
    path: str  # inside the package tarball, without its top directory
    cdn_urls: tuple[str, ...] = ()  # the addresses GX's templates load this file from


@dataclass(frozen=True)
class PackageSpec:
    name: str
    wanted: str  # an exact version, or a major version where the template asks for one (`vega@5`)
    assets: tuple[Asset, ...]


def _fa_fonts() -> tuple[Asset, ...]:
    # all.min.css asks for every face in woff2 and ttf; Chromium takes woff2, other browsers may take ttf.
    faces = ("fa-brands-400", "fa-regular-400", "fa-solid-900", "fa-v4compatibility")
    return tuple(Asset(f"webfonts/{face}.{ext}") for face in faces for ext in ("woff2", "ttf"))


# What GX 1.24.1's templates load, by npm package. The versions are the templates' own; where a template names a
# major version (jsDelivr's `vega@5` serves the newest 5.x, its package.json `jsdelivr` file), the lock pins the
# newest matching release. bootstrap-table: the templates load 1.19.1 except one stylesheet URL that says 1.19.0;
# one version per package, so that stylesheet comes from 1.19.1 too (a four-rule CSS file, no integrity attribute).
SPEC: tuple[PackageSpec, ...] = (
    PackageSpec("vega", "5", (Asset("build/vega.min.js", ("https://cdn.jsdelivr.net/npm/vega@5",)),)),
    PackageSpec("vega-lite", "5", (Asset("build/vega-lite.min.js", ("https://cdn.jsdelivr.net/npm/vega-lite@5",)),)),
    PackageSpec(
        "vega-embed", "6", (Asset("build/vega-embed.min.js", ("https://cdn.jsdelivr.net/npm/vega-embed@6",)),)
    ),
    PackageSpec(
        "@fortawesome/fontawesome-free",
        "6.6.0",
        (
            Asset("css/all.min.css", ("https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",)),
            *_fa_fonts(),
        ),
    ),
    PackageSpec("jquery", "3.7.1", (Asset("dist/jquery.min.js", ("https://code.jquery.com/jquery-3.7.1.min.js",)),)),
    PackageSpec(
        "popper.js",
        "1.12.9",
        (Asset("dist/umd/popper.min.js", ("https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",)),),
    ),
    PackageSpec(
        "bootstrap",
        "4.3.1",
        (
            Asset("dist/js/bootstrap.min.js", ("https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",)),
            Asset("dist/css/bootstrap.min.css", ("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",)),
        ),
    ),
    PackageSpec(
        "bootstrap-table",
        "1.19.1",
        (
            Asset("dist/bootstrap-table.min.js", ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",)),
            Asset("dist/bootstrap-table.min.css", ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css",)),
            Asset(
                "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
                ("https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",),
            ),
            Asset(
                "dist/extensions/filter-control/bootstrap-table-filter-control.css",
                ("https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",),
            ),
            Asset(
                "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
                ("https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",),
            ),
        ),
    ),
    PackageSpec(
        "bootstrap-datepicker",
        "1.9.0",
        (
            Asset(
                "dist/js/bootstrap-datepicker.min.js",
                ("https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",),
            ),
            Asset(
                "dist/css/bootstrap-datepicker.min.css",
                ("https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",),
            ),
        ),
    ),
    PackageSpec(
        "@forevolve/bootstrap-dark",
        "1.1.0",
        (
            Asset(
                "dist/css/bootstrap-prefers-dark.css",
                ("https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",),
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------------------------
# The lock


@dataclass(frozen=True)
class Locked:
    name: str
    wanted: str
    version: str
    integrity: str  # npm's dist.integrity of the tarball: "sha512-<base64>"
    files: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def vendor_dir(self) -> PurePosixPath:
        return PurePosixPath(self.label)


def lock_hash(lock_path: Path = LOCK_PATH) -> str:
    """The first 16 hex digits of the lock's sha256: the same as the Makefile's `sha256sum | cut -c1-16`."""
    return hashlib.sha256(lock_path.read_bytes()).hexdigest()[:16]


def read_lock(lock_path: Path = LOCK_PATH) -> list[Locked]:
    try:
        data = json.loads(lock_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataDocsAssetError(f"{lock_path}: the lock does not exist (python -m digital_city data-docs-assets --write-lock)") from None
    except json.JSONDecodeError as error:
        raise DataDocsAssetError(f"{lock_path}, line {error.lineno}, column {error.colno}: not JSON: {error.msg}") from None
    packages = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(packages, list):
        raise DataDocsAssetError(f"{lock_path}: expected an object with a 'packages' list")
    locked = []
    for index, entry in enumerate(packages):
        where = f"{lock_path}: packages[{index}]"
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("name", "wanted", "version", "integrity")):
            raise DataDocsAssetError(f"{where}: needs string fields name, wanted, version, integrity")
        files = entry.get("files")
        if not isinstance(files, list) or not files or not all(isinstance(f, str) and _safe_relative(f) for f in files):
            raise DataDocsAssetError(f"{where} ({entry['name']}): 'files' must list relative paths inside the package")
        if not entry["integrity"].startswith("sha512-"):
            raise DataDocsAssetError(f"{where} ({entry['name']}): integrity must be npm's sha512 dist.integrity")
        locked.append(Locked(entry["name"], entry["wanted"], entry["version"], entry["integrity"], tuple(files)))
    return locked


def check_lock_matches_spec(locked: Sequence[Locked], lock_path: Path = LOCK_PATH) -> None:
    """The lock is generated from SPEC; an edited SPEC with an old lock must not install the old files quietly."""
    want = [(p.name, p.wanted, tuple(a.path for a in p.assets)) for p in SPEC]
    have = [(p.name, p.wanted, p.files) for p in locked]
    if want != have:
        raise DataDocsAssetError(
            f"{lock_path} does not match SPEC in {Path(__file__).relative_to(ROOT)}: "
            "run python -m digital_city data-docs-assets --write-lock"
        )
    for package in locked:
        if not _satisfies(package.version, package.wanted):
            raise DataDocsAssetError(f"{lock_path}: {package.label} does not satisfy the wanted version {package.wanted}")


def _safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and path == str(pure)


def _version_key(version: str) -> tuple[int, ...] | None:
    """A release version as numbers; None for pre-releases and anything not x.y.z."""
    return tuple(int(p) for p in version.split(".")) if re.fullmatch(r"\d+\.\d+\.\d+", version) else None


def _satisfies(version: str, wanted: str) -> bool:
    key = _version_key(version)
    if key is None:
        return False
    return version == wanted if "." in wanted else key[0] == int(wanted)


# ---------------------------------------------------------------------------------------------------------------
# The registry


def registry_url(registry: str | None = None) -> str:
    return (registry or os.environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY).rstrip("/")


def tarball_url(registry: str, name: str, version: str) -> str:
    # npm's layout: <registry>/<name>/-/<name without scope>-<version>.tgz
    return f"{registry}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def _get(url: str, what: str, accept: str | None = None) -> bytes:
    headers = {"User-Agent": "digital_city data-docs-assets"}
    if accept:
        headers["Accept"] = accept
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        raise DataDocsAssetError(f"{what}: the npm registry answered HTTP {error.code} for {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DataDocsAssetError(f"{what}: cannot reach the npm registry at {url}: {reason}") from None


def sri(algorithm: str, data: bytes) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def fetch_tarball(registry: str, package: Locked) -> bytes:
    data = _get(tarball_url(registry, package.name, package.version), package.label)
    got = sri("sha512", data)
    if got != package.integrity:
        raise DataDocsAssetError(
            f"{package.label}: the tarball's integrity does not match the lock (lock {package.integrity[:23]}..., "
            f"registry sent {got[:23]}...)"
        )
    return data


def extract(package: Locked, tarball: bytes) -> dict[str, bytes]:
    """The listed files of an npm tarball, by path inside the package (tarballs wrap it in one top directory)."""
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive:
            parts = PurePosixPath(member.name).parts
            inner = "/".join(parts[1:])
            if inner in package.files and member.isfile():
                handle = archive.extractfile(member)
                assert handle is not None  # a regular file always has content
                found[inner] = handle.read()
    missing = [f for f in package.files if f not in found]
    if missing:
        raise DataDocsAssetError(f"{package.label}: not in the tarball: {', '.join(missing)}")
    return found


# ---------------------------------------------------------------------------------------------------------------
# Install


def assets_root() -> Path:
    """Install-time data belongs to the environment, beside its packages: <venv>/share/digital_city/..."""
    return Path(sys.prefix) / "share" / "digital_city" / "data_docs_assets"


def installed_dir(lock_path: Path = LOCK_PATH, root: Path | None = None) -> Path:
    return (root or assets_root()) / lock_hash(lock_path)


@dataclass(frozen=True)
class InstallResult:
    directory: Path
    installed: bool  # False: it was there already
    files: int
    bytes: int
    seconds: float


def install_assets(lock_path: Path = LOCK_PATH, root: Path | None = None, registry: str | None = None) -> InstallResult:
    started = time.perf_counter()
    target = installed_dir(lock_path, root)
    if target.is_dir():  # written by an atomic rename, so present means complete
        return InstallResult(target, False, *_tree_size(target), time.perf_counter() - started)
    locked = read_lock(lock_path)
    base = registry_url(registry)
    with ThreadPoolExecutor(max_workers=4) as pool:
        tarballs = list(pool.map(lambda p: fetch_tarball(base, p), locked))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".partial-{target.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for package, tarball in zip(locked, tarballs):
            for inner, content in extract(package, tarball).items():
                out = staging / package.vendor_dir / inner
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(content)
        try:
            staging.rename(target)
        except OSError:
            if not target.is_dir():  # another install of the same lock won the race: its copy is as good
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for old in target.parent.iterdir():  # earlier locks' files: nothing refers to them any more
        if old != target and re.fullmatch(r"[0-9a-f]{16}", old.name):
            shutil.rmtree(old, ignore_errors=True)
    return InstallResult(target, True, *_tree_size(target), time.perf_counter() - started)


def _tree_size(directory: Path) -> tuple[int, int]:
    files = [p for p in directory.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def write_lock(lock_path: Path = LOCK_PATH, registry: str | None = None) -> list[Locked]:
    """Resolve SPEC against the registry, check every listed file is in its tarball, and write the lock."""
    base = registry_url(registry)
    locked = []
    for spec in SPEC:
        metadata = json.loads(
            _get(f"{base}/{urllib.parse.quote(spec.name, safe='@')}", spec.name, "application/vnd.npm.install-v1+json")
        )
        versions = metadata.get("versions", {})
        matching = [v for v in versions if _satisfies(v, spec.wanted)]
        if not matching:
            raise DataDocsAssetError(f"{spec.name}: no release on the registry satisfies {spec.wanted}")
        version = max(matching, key=lambda v: _version_key(v) or ())
        integrity = versions[version].get("dist", {}).get("integrity", "")
        if not integrity.startswith("sha512-"):
            raise DataDocsAssetError(f"{spec.name}@{version}: the registry gives no sha512 integrity")
        package = Locked(spec.name, spec.wanted, version, integrity, tuple(a.path for a in spec.assets))
        extract(package, fetch_tarball(base, package))
        locked.append(package)
    document = {
        "comment": "Data Docs assets from the npm registry, made by `python -m digital_city data-docs-assets "
        "--write-lock` from SPEC in digital_city/validation/data_docs_assets.py; integrity is npm's sha512 of the tarball.",
        "packages": [
            {"name": p.name, "wanted": p.wanted, "version": p.version, "integrity": p.integrity, "files": list(p.files)}
            for p in locked
        ],
    }
    lock_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return locked


# ---------------------------------------------------------------------------------------------------------------
# make_offline


def cdn_map(locked: Sequence[Locked]) -> dict[str, PurePosixPath]:
    """CDN address -> the vendored file, as a path relative to the site directory."""
    versions = {p.name: p for p in locked}
    mapping = {}
    for spec in SPEC:
        package = versions[spec.name]
        for asset in spec.assets:
            for url in asset.cdn_urls:
                mapping[url] = VENDOR / package.vendor_dir / asset.path
    return mapping


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    name: str
    raw: str


class _TagScanner(HTMLParser):
    """Start tags with their offsets; HTMLParser already skips script and style bodies, comments and doctypes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[_Tag] = []
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        self.tags.append(_Tag(start, start + len(raw), tag, raw))

    handle_startendtag = handle_starttag


# One attribute inside a start tag, as HTML tokenises it.
_ATTRIBUTE = re.compile(r"""(\s+)([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""")
_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_NOT_A_FILE = re.compile(r"^\s*(#|[a-z][a-z0-9+.-]*:)", re.IGNORECASE)  # fragments, data:, mailto:, javascript:...
_RESOURCE_ATTRIBUTES = ("src", "href", "poster", "data")
_LINK_TAGS = {"a", "area"}


@dataclass
class _Attribute:
    name: str
    value: str | None
    span: tuple[int, int]  # of the whole attribute including its leading whitespace
    value_span: tuple[int, int] | None


def _attributes(raw: str) -> list[_Attribute]:
    head = re.match(r"<[^\s/>]+", raw)
    found = []
    position = head.end() if head else 0
    for match in _ATTRIBUTE.finditer(raw, position):
        quoted = match.group(3)
        value = None if quoted is None else html.unescape(quoted[1:-1] if quoted[:1] in "\"'" else quoted)
        found.append(_Attribute(match.group(2).lower(), value, match.span(), match.span(3) if quoted else None))
    return found


class _Page:
    """One HTML page of the site and how to reach files of the site from it."""

    def __init__(self, site: Path, path: Path, cdn: dict[str, PurePosixPath]) -> None:
        self.site = site
        self.path = path
        self.cdn = cdn
        self.directory = path.parent

    def relative(self, site_path: PurePosixPath | str) -> str:
        return Path(os.path.relpath(self.site / site_path, self.directory)).as_posix()

    def local_target(self, url: str) -> Path:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        return Path(os.path.normpath(self.directory / path))

    def resolve(self, url: str) -> tuple[str, PurePosixPath | None]:
        """(the address the offline page uses, the vendored file it now points at if it was a CDN address)."""
        stripped = url.strip()
        if stripped in self.cdn:
            return self.relative(self.cdn[stripped]), self.cdn[stripped]
        if stripped.startswith(S3_BASE):
            name = urllib.parse.urlsplit(stripped).path.rsplit("/", 1)[-1]
            for candidate in (name, S3_SUBSTITUTES.get(name)):
                if candidate and (self.site / "static" / "images" / candidate).is_file():
                    return self.relative(PurePosixPath("static") / "images" / candidate), None
            return url, None
        if not _EXTERNAL.match(stripped) and not _NOT_A_FILE.match(stripped) and not stripped.startswith("/"):
            # favicon.j2 counts one directory too few on validation pages; static/ has exactly one home.
            path = urllib.parse.urlsplit(stripped).path
            if "static/" in path and not self.local_target(stripped).exists():
                inside = PurePosixPath(path[path.index("static/") :])
                if (self.site / inside).is_file():
                    return self.relative(inside), None
        return url, None

    def rewrite(self, text: str) -> str:
        edits: list[tuple[int, int, str]] = []
        for tag in _TagScanner(text).tags:
            new_raw, note = self._rewrite_tag(tag)
            if new_raw != tag.raw:
                edits.append((tag.start, tag.end, (note or "") + new_raw))
            if tag.name == "style":
                body_end = _style_end(text, tag.end)
                body = text[tag.end : body_end]
                new_body = self._rewrite_css(body)
                if new_body != body:
                    edits.append((tag.end, body_end, new_body))
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def _rewrite_css(self, css: str) -> str:
        def one(match: re.Match[str]) -> str:
            new = self.resolve(match.group(2))[0]
            return match.group(0) if new == match.group(2) else f"url('{new}')"

        return _CSS_URL.sub(one, css)

    def _rewrite_tag(self, tag: _Tag) -> tuple[str, str | None]:
        attributes = _attributes(tag.raw)
        replacements: list[tuple[tuple[int, int], str]] = []
        vendored: PurePosixPath | None = None
        for attribute in attributes:
            if attribute.value is None or attribute.value_span is None:
                continue
            if attribute.name in _RESOURCE_ATTRIBUTES and tag.name not in _LINK_TAGS:
                new, target = self.resolve(attribute.value)
                vendored = vendored or target
            elif attribute.name == "style":
                new = self._rewrite_css(attribute.value)
            else:
                continue
            if new != attribute.value:
                replacements.append((attribute.value_span, f'"{html.escape(new, quote=True)}"'))
        note = None
        integrity = next((a for a in attributes if a.name == "integrity" and a.value), None)
        if integrity is not None and vendored is not None:
            assert integrity.value is not None
            _check_integrity(integrity.value, self.site / vendored, self.path)
            note = (
                f"<!-- offline copy {vendored.relative_to(VENDOR)} matches the template's integrity "
                f"{integrity.value.split()[0][:16]}...; integrity and crossorigin are removed because browsers refuse "
                "subresource integrity on file:// pages (it needs CORS) -->\n"
            )
            replacements += [(a.span, "") for a in attributes if a.name in {"integrity", "crossorigin"}]
        raw = tag.raw
        for (start, end), replacement in sorted(replacements, reverse=True):
            raw = raw[:start] + replacement + raw[end:]
        return raw, note

    def problems(self, text: str) -> Iterator[str]:
        for tag in _TagScanner(text).tags:
            for attribute in _attributes(tag.raw):
                value = attribute.value
                if value is None:
                    continue
                if attribute.name == "style":
                    yield from self._css_problems(f"<{tag.name} style>", value)
                elif attribute.name == "srcset":
                    for candidate in filter(str.strip, value.split(",")):
                        yield from self._url_problems(f"<{tag.name} srcset>", candidate.split()[0])
                elif attribute.name in _RESOURCE_ATTRIBUTES and tag.name not in _LINK_TAGS:
                    yield from self._url_problems(f"<{tag.name} {attribute.name}>", value)
            if tag.name == "style":
                yield from self._css_problems("<style>", text[tag.end : _style_end(text, tag.end)])

    def _css_problems(self, where: str, css: str) -> Iterator[str]:
        for match in _CSS_URL.finditer(css):
            yield from self._url_problems(f"{where} url()", match.group(2))

    def _url_problems(self, where: str, url: str) -> Iterator[str]:
        if _EXTERNAL.match(url):
            yield f"{where} loads {url}"
        elif url.strip() and not _NOT_A_FILE.match(url) and not url.startswith("/") and not self.local_target(url).is_file():
            yield f"{where} points at a missing file: {url}"


def _style_end(text: str, body_start: int) -> int:
    match = re.compile(r"</style\s*>", re.IGNORECASE).search(text, body_start)
    return match.start() if match else len(text)


def _check_integrity(value: str, file: Path, page: Path) -> None:
    content = file.read_bytes()
    for token in value.split():
        algorithm, _, _ = token.partition("-")
        if algorithm in {"sha256", "sha384", "sha512"} and sri(algorithm, content) == token.split("?")[0]:
            return
    raise OfflineError(f"{page}: {file} does not match the page's integrity {value}: not the file the CDN serves")


def make_offline(site_dir: Path, assets: Path | None = None) -> None:
    """Make a rendered GX Data Docs site open with no network; raise OfflineError listing anything still external.

    `assets` defaults to the directory `python -m digital_city data-docs-assets` installed for the current lock.
    Safe to run again on a site it already rewrote.
    """
    site = Path(site_dir).resolve()
    if not (site / "index.html").is_file():
        raise DataDocsAssetError(f"{site}: not a Data Docs site (no index.html)")
    locked = read_lock()
    check_lock_matches_spec(locked)
    source = assets or installed_dir()
    if not source.is_dir():
        raise DataDocsAssetError(
            f"Data Docs assets are not installed in {source}: run `make install` (python -m digital_city data-docs-assets)"
        )
    shutil.copytree(source, site / VENDOR, dirs_exist_ok=True)
    cdn = cdn_map(locked)
    leftovers = []
    for path in sorted(site.rglob("*.html")):
        page = _Page(site, path, cdn)
        text = path.read_bytes().decode("utf-8")
        offline = page.rewrite(text)
        if offline != text:
            path.write_bytes(offline.encode("utf-8"))
        leftovers += [f"{path.relative_to(site)}: {problem}" for problem in page.problems(offline)]
    if leftovers:
        raise OfflineError(
            f"{len(leftovers)} reference(s) in {site} still need the network or a missing file:\n  " + "\n  ".join(leftovers)
        )


# ---------------------------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write-lock", action="store_true", help=f"resolve SPEC on the registry and rewrite {LOCK_PATH.name}")
    action.add_argument("--site", type=Path, help="after installing, make this rendered Data Docs site offline")
    parser.add_argument("--registry", help=f"npm registry (default: ${REGISTRY_ENV} or {DEFAULT_REGISTRY})")
    args = parser.parse_args(argv)
    try:
        if args.write_lock:
            locked = write_lock(registry=args.registry)
            print(f"{LOCK_PATH.name}: " + ", ".join(p.label for p in locked))
            return 0
        check_lock_matches_spec(read_lock())
        result = install_assets(registry=args.registry)
        if result.installed:
            print(
                f"data docs assets: {result.files} files, {result.bytes / 1e6:.1f} MB from the npm registry "
                f"into {result.directory} in {result.seconds:.1f} s"
            )
        else:
            print(f"data docs assets: up to date in {result.directory} ({result.seconds * 1000:.0f} ms)")
        if args.site:
            make_offline(args.site)
            print(f"{args.site}: opens offline")
    except DataDocsAssetError as error:
        print(f"data-docs-assets: {error}", file=sys.stderr)
        return 1
    return 0
