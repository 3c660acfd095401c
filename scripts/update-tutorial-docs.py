#!/usr/bin/env python3
"""Re-runs each tutorial and pastes its real output into its walkthrough.

A walkthrough marks where the output goes:

    <!-- output: tutorial_01_tensors_and_autograd [args...] -->
    ```text
    ...replaced by this script...
    ```

Usage: scripts/update-tutorial-docs.py [BUILD_DIR]   (default: build)
"""
import pathlib
import re
import shlex
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
build = (pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "build").resolve()
marker = re.compile(r"(<!-- output: (.+?) -->\n```text\n)(.*?)(```)", re.S)

for page in sorted((root / "docs" / "tutorials").glob("*.md")):
    text = page.read_text()

    def run(match):
        program, *args = shlex.split(match.group(2))
        result = subprocess.run([str(build / "tutorials" / program), *args], cwd=build,
                                capture_output=True, text=True, check=True)
        print(f"{page.name}: {program} {' '.join(args)}")
        return match.group(1) + result.stdout + match.group(4)

    updated = marker.sub(run, text)
    if updated != text:
        page.write_text(updated)
