"""Vendor a pinned axe-core into src/jalon/vendor/axe_core/ (issue 11: "a pinned axe-core
shipped in the repository …, never downloaded at run time").

    python scripts/vendor_axe.py 4.14.1

Run by a maintainer when upgrading, never by Jalon itself: `npm pack` takes the release from
the npm registry, its sha512 is checked against the registry's `dist.integrity`, then
`axe.min.js` and the licence (MPL-2.0) are copied and `manifest.json` records the version,
the tarball address, its integrity and the sha256 of the copied script (which
tests/audits/test_axe_vendored.py checks).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "src" / "jalon" / "vendor" / "axe_core"


def main(version: str) -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("npm is needed (apt-get install npm)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        info = json.loads(subprocess.run(  # noqa: S603 (a maintainer's command, fixed arguments)
            [npm, "view", "--json", f"axe-core@{version}", "dist", "license"],
            check=True, capture_output=True, text=True).stdout)
        subprocess.run([npm, "pack", "--silent", f"axe-core@{version}"],  # noqa: S603
                       cwd=folder, check=True, capture_output=True)
        tarball = Path(folder) / f"axe-core-{version}.tgz"
        digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if info["dist"]["integrity"] != f"sha512-{digest}":
            print(f"integrity mismatch for axe-core {version}", file=sys.stderr)
            return 1
        with tarfile.open(tarball) as archive:
            script = archive.extractfile("package/axe.min.js").read()  # type: ignore[union-attr]
            licence = archive.extractfile("package/LICENSE").read()  # type: ignore[union-attr]
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "axe.min.js").write_bytes(script)
    (TARGET / "LICENSE").write_bytes(licence)
    manifest = {"name": "axe-core", "version": version, "license": info["license"],
                "source": info["dist"]["tarball"], "integrity": info["dist"]["integrity"],
                "file": "axe.min.js", "sha256": hashlib.sha256(script).hexdigest()}
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"axe-core {version} → {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "4.14.1"))
