"""Baseline for bench/pdf.py: the same cable text to a PDF with WeasyPrint in the simplest way.

One <pre>, a banner at the top and bottom of every page, page numbers. Usage:
    python bench/baseline_pdf.py CABLE.txt OUT.pdf
"""

import html
import sys
from pathlib import Path

import weasyprint

text = Path(sys.argv[1]).read_text(encoding="ascii")
page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: Letter; margin: 0.85in 0.9in;
  @top-center {{ content: "UNCLASSIFIED//FOR OFFICIAL USE ONLY" }}
  @bottom-center {{ content: "UNCLASSIFIED//FOR OFFICIAL USE ONLY" }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages) }} }}
pre {{ font: 10pt/12.5pt "DejaVu Sans Mono", monospace; }}
</style></head><body><pre>{html.escape(text)}</pre></body></html>"""
weasyprint.HTML(string=page).write_pdf(sys.argv[2])
