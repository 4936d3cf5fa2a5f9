"""PDF rendering shared by every document of MIQUA (decision template, minutes, ...).

WeasyPrint gets no base URL and a fetcher that refuses every URL but inline data: templates
carry their styles inline and use the system's DejaVu fonts, so rendering never reaches the
network or the file system.
"""


class ExternalReferenceError(RuntimeError):
    """The HTML of a PDF referred to something outside itself."""


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML to PDF. Any URL other than inline data (http, file ...) is an
    error: nothing is fetched, and the mistake shows instead of a silently incomplete PDF."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as e:
        # WeasyPrint's error is a BaseException; make it an ordinary error of the request.
        raise ExternalReferenceError(str(e)) from e
