"""Run pip-audit on the pinned requirements and fail loudly, with a clear reason.

``make security`` calls this. It fails (exit 1) on any known vulnerability. When the
vulnerability service cannot vouch for a pinned package (not reachable, or a mirror
that does not know that version), every such package is listed as UNAUDITED with the
reason: never a silent pass. That case fails too when ``PIP_AUDIT_STRICT=1`` (set it
wherever pypi.org answers); without it the run goes on, because a machine that cannot
reach the service cannot tell a vulnerable pin from a safe one either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]
SERVICE = "PyPI JSON API (https://pypi.org/pypi/<name>/<version>/json)"


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "-f", "json"]
    for name in REQUIREMENTS:
        command += ["-r", str(ROOT / name)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr.strip() or result.stdout.strip(), file=sys.stderr)
        print(
            f"\npip-audit FAILED before auditing anything (exit {result.returncode}). "
            f"It resolves {' and '.join(REQUIREMENTS)} with pip and asks the {SERVICE}; "
            "check that PyPI is reachable from this machine.",
            file=sys.stderr,
        )
        return 1
    vulnerable, unaudited = [], []
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            unaudited.append(f"{dep['name']}: {dep['skip_reason']}")
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            vulnerable.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(report.get("dependencies", [])) - len(unaudited)
    for line in vulnerable:
        print(f"VULNERABLE  {line}")
    if vulnerable:
        print(f"\npip-audit FAILED: {len(vulnerable)} known vulnerabilities; upgrade the pins.")
        return 1
    if unaudited:
        for line in unaudited:
            print(f"UNAUDITED   {line}")
        strict = os.environ.get("PIP_AUDIT_STRICT") == "1"
        verdict = "FAILED" if strict else "INCOMPLETE (not a pass)"
        print(
            f"\npip-audit {verdict}: {len(unaudited)} of {len(report.get('dependencies', []))} "
            f"pinned packages could not be audited, because the vulnerability service "
            f"({SERVICE}) did not answer for those versions (unreachable, or a mirror without "
            f"per-version data). {audited} audited, with no known vulnerability. Run "
            "`PIP_AUDIT_STRICT=1 make security` where pypi.org answers.",
        )
        return 1 if strict else 0
    print(f"pip-audit OK: {audited} pinned packages, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
