"""Rendering a report must not change how the engine decodes pictures in this process."""

from PIL import ImageFile

from safeguard.web.statistics.pdf import html_to_pdf


def test_rendering_a_pdf_leaves_truncated_pictures_refused():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    pdf = html_to_pdf("<html><body><p>figures</p></body></html>")
    assert pdf.startswith(b"%PDF")
    # WeasyPrint's import turns this on for the whole process; ours puts it back.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
