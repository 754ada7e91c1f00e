#!/usr/bin/env python3
"""Vendor front-end files from the npm registry into src/amity/static/vendor/.

Pinned versions; each file's SHA-256 is recorded in CHECKSUMS.sha256 beside them.
``python scripts/vendor_assets.py`` re-fetches with the ordinary npm client (``npm pack``)
and rewrites the files; ``--check`` only verifies the committed files against the
checksums (no network). htmx comes with django-htmx (``{% htmx_script %}``).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "amity" / "static" / "vendor"
CHECKSUMS = VENDOR / "CHECKSUMS.sha256"

# package@version -> {path inside the package: path under vendor/}
PACKAGES = {
    "bootstrap@5.3.8": {
        "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
        "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
        "dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
        "dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
        "LICENSE": "bootstrap/LICENSE",
    },
    "bootstrap-icons@1.13.1": {
        "font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
        "font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
        "font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
        "LICENSE": "bootstrap-icons/LICENSE",
    },
    "echarts@5.6.0": {
        "dist/echarts.min.js": "echarts/echarts.min.js",
        "LICENSE": "echarts/LICENSE",
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> None:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            out = (
                subprocess.run(
                    ["npm", "pack", spec, "--silent", "--pack-destination", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with tarfile.open(Path(tmp) / out) as tar:
                for inner, target in files.items():
                    member = tar.extractfile(f"package/{inner}")
                    if member is None:
                        raise SystemExit(f"{spec}: {inner} not found in the package")
                    dest = VENDOR / target
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with dest.open("wb") as fh:
                        shutil.copyfileobj(member, fh)
                    lines.append(f"{sha256(dest)}  {target}  {spec}")
                    print(f"vendored {spec} {inner} -> vendor/{target}")
    CHECKSUMS.write_text("\n".join(lines) + "\n")


def check() -> int:
    bad = 0
    for line in CHECKSUMS.read_text().splitlines():
        digest, target, spec = line.split("  ")
        path = VENDOR / target
        if not path.exists() or sha256(path) != digest:
            print(f"MISMATCH {target} ({spec})")
            bad += 1
    print("vendored assets verified" if not bad else f"{bad} vendored file(s) do not match")
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="verify checksums only")
    args = parser.parse_args()
    sys.exit(check() if args.check else fetch())
