"""HTML to PDF with WeasyPrint, for records a lead files elsewhere and sheets a school hands out; nothing is
fetched from outside the page."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def _fetch_nothing(url: str, *args, **kwargs):
    # The style comes from our own file; a PDF of a pupil's words never asks any server for anything.
    raise ValueError(f"PDFs load no outside resources ({url[:40]})")


def render_pdf(html: str, stylesheet: str = "record-pdf.css") -> bytes:
    """A PDF of the page, styled by one of Harbour's own stylesheets in course/static/."""
    # Imported here: WeasyPrint takes a moment to load, and only these downloads need it.
    from weasyprint import CSS, HTML

    # Tagged (headings, tables and lists marked up in the PDF), so a screen reader can read it.
    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(
        stylesheets=[CSS(string=(STATIC / stylesheet).read_text(encoding="utf-8"))], pdf_tags=True)
