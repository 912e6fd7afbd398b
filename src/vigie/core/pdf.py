"""PDF from a self-contained HTML document, for the pages and jobs that print (reports, packs, logs)."""


def refuse_fetch(url, *args, **kwargs):
    """WeasyPrint never fetches anything: documents embed all they show."""
    raise ValueError(f"external resources are not loaded: {url[:80]!r}")


def html_to_pdf(html: str) -> bytes:
    # heavy import: WeasyPrint and Pango take ~0.7 s to load, paid only by what prints
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=refuse_fetch).write_pdf()
