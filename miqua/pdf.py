"""PDF rendering shared by every document of MIQUA (decision template, minutes, ...).

WeasyPrint gets no base URL and a fetcher that refuses every URL but inline data: templates
carry their styles inline and use the system's DejaVu fonts, so rendering never reaches the
network or the file system.
"""

# WeasyPrint's time grows faster than the text (100,000 characters in one table cell took
# 40 seconds): a document beyond this is refused rather than rendered for minutes. The texts'
# own limits (miqua/text.py) keep every document well below it (a decision template with all
# texts at their limits is about 60,000 characters of HTML).
MAX_HTML_CHARS = 250_000


class ExternalReferenceError(RuntimeError):
    """The HTML of a PDF referred to something outside itself."""


class DocumentTooLarge(ValueError):
    """The HTML of a PDF is longer than MAX_HTML_CHARS: refused before WeasyPrint starts."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"{length} characters of HTML, at most {limit}")
        self.length = length
        self.limit = limit


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML to PDF. Any URL other than inline data (http, file ...) is an
    error: nothing is fetched, and the mistake shows instead of a silently incomplete PDF.
    HTML longer than MAX_HTML_CHARS raises DocumentTooLarge (a page says what to shorten)."""
    if len(html) > MAX_HTML_CHARS:
        raise DocumentTooLarge(len(html), MAX_HTML_CHARS)
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as e:
        # WeasyPrint's error is a BaseException; make it an ordinary error of the request.
        raise ExternalReferenceError(str(e)) from e
