"""The axe-core the audits run is the pinned, vendored one (issue 11: shipped in the
repository, never downloaded): its manifest names the version and the sha256 of the file."""

import hashlib
import json

from jalon.core.audits_browser import AXE_DIR, axe_script_path


def test_the_vendored_axe_core_is_the_one_its_manifest_pins() -> None:
    manifest = json.loads((AXE_DIR / "manifest.json").read_text(encoding="utf-8"))
    script = axe_script_path().read_bytes()
    assert hashlib.sha256(script).hexdigest() == manifest["sha256"]
    assert script.startswith(f"/*! axe v{manifest['version']}".encode())
    assert manifest["license"] == "MPL-2.0"
    assert "Mozilla Public License" in (AXE_DIR / "LICENSE").read_text(encoding="utf-8")
