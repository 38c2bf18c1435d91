"""The cable's font is bundled: the PDF is the same on a machine with no fonts at all."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from conftest import BELGIUM

pytestmark = pytest.mark.slow  # a PDF made in a fresh process, fonts hidden (the "slow" marker: pyproject.toml)

NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def render(out: Path, **env: str) -> bytes:
    command = [sys.executable, "-m", "tip_drafter", "render", str(BELGIUM), "-o", str(out), "--format", "pdf", "--jobs", "1"]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **env})
    return (out / "belgium.pdf").read_bytes()


def embedded_fonts(pdf: bytes) -> dict[str, str]:
    """Each embedded font's PDF name -> the family its font program names itself."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            found[str(font["/BaseFont"])] = str(program["name"].getDebugName(4))
    return found


def test_a_machine_without_fonts_makes_the_same_pdf_with_dejavu_sans_mono_embedded(tmp_path: Path) -> None:
    config = tmp_path / "fonts.conf"
    config.write_text(NO_FONTS.format(cache=tmp_path / "cache"))
    normal = render(tmp_path / "normal")
    bare = render(tmp_path / "bare", FONTCONFIG_FILE=str(config))
    assert bare == normal
    assert sorted(embedded_fonts(bare).values()) == ["DejaVu Sans Mono", "DejaVu Sans Mono Bold"]
