#!/usr/bin/env python3
"""Re-runs each tutorial and pastes its real output into its walkthrough.

A walkthrough marks where the output goes:

    <!-- output: tutorial_01_tensors_and_autograd [args...] -->
    ```text
    ...replaced by this script...
    ```

A picture a tutorial writes (an SVG in the build folder) is shown with
![caption](images/NAME.svg); after running the tutorials the script copies each
picture a page shows into docs/tutorials/images/.

Usage: scripts/update-tutorial-docs.py [BUILD_DIR [PAGE]]
  BUILD_DIR  default: build
  PAGE       only the pages whose name contains this, e.g. 04 (tutorial 4's
             full run takes about half an hour)
"""
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
build = (pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "build").resolve()
picture = re.compile(r"!\[[^\]]*\]\(images/([^)]+)\)")
marker = re.compile(r"(<!-- output: (.+?) -->\n```text\n)(.*?)(```)", re.S)

only = sys.argv[2] if len(sys.argv) > 2 else ""

for page in sorted((root / "docs" / "tutorials").glob(f"*{only}*.md")):
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
    for name in picture.findall(updated):
        (page.parent / "images").mkdir(exist_ok=True)
        shutil.copyfile(build / name, page.parent / "images" / name)
