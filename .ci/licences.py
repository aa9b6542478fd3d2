"""Fails unless every installed dependency's licence lets it ship in AGPL-3.0-or-later Knotwork.

pip-licenses reads each package's metadata (its SPDX expression, else its classifiers). A
classifier list ("BSD License; MIT License") or an "OR" offers a choice, so one allowed licence is
enough; "AND" needs all. Packages whose metadata is unclear are checked by hand, once, below.
"""

import json
import re
import subprocess
import sys

# Licences a GPL-3.0 / AGPL-3.0 program may include (FSF's list of GPL-compatible licences).
COMPATIBLE = {
    "0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "Apache Software License",
    "BSD", "BSD License", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "GPL-3.0-only",
    "GPL-3.0-or-later", "HPND", "ISC", "ISC License (ISCL)", "LGPL-2.1-or-later", "LGPL-3.0-only",
    "LGPL-3.0-or-later", "MIT", "MIT License", "MIT-0", "MIT-CMU", "MPL-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)", "PSF-2.0", "Python Software Foundation License",
    "The Unlicense (Unlicense)", "Unlicense", "ZPL-2.1", "Zope Public License",
}  # fmt: skip

# Reviewed by hand: the metadata says too little or too much; the licence file they ship says this.
REVIEWED = {
    "pyrage": "MIT (its metadata names none; the LICENSE its wheel ships is MIT)",
    "qrcode": "BSD-3-Clause (a stray 'Other/Proprietary' classifier; its LICENSE is BSD)",
}


def allowed(expression: str) -> bool:
    choices = re.split(r"; | OR ", expression)
    return any(all(part in COMPATIBLE for part in c.split(" AND ")) for c in choices)


def main() -> int:
    listing = subprocess.run(
        ["pip-licenses", "--from=mixed", "--format=json"],  # noqa: S607 -- the venv's tool
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    refused = [
        f"{package['Name']} {package['Version']}: {package['License']}"
        for package in json.loads(listing)
        if package["Name"] not in REVIEWED and not allowed(package["License"])
    ]
    for line in refused:
        print(f"Licence unknown or not compatible with AGPL-3.0-or-later: {line}")
    print(f"{len(json.loads(listing))} packages checked, {len(refused)} refused.")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
