"""HTML to PDF with WeasyPrint, for records a lead files elsewhere and sheets a school hands out; nothing is
fetched from outside the page. PDFs are tagged (headings, lists and tables marked) for screen readers."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEETS = {"record": STATIC / "record-pdf.css", "sheet": STATIC / "sheet-pdf.css",
               "certificate": STATIC / "certificate-pdf.css"}
STYLESHEET = STYLESHEETS["record"]


def _fetch_nothing(url: str, *args, **kwargs):
    # The style comes from our own file; a PDF of a pupil's words never asks any server for anything.
    raise ValueError(f"PDFs load no outside resources ({url[:40]})")


def render_pdf(html: str, style: str = "record") -> bytes:
    # Imported here: WeasyPrint takes a moment to load, and only these downloads need it.
    from weasyprint import CSS, HTML

    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(
        stylesheets=[CSS(string=STYLESHEETS[style].read_text(encoding="utf-8"))], pdf_tags=True)
