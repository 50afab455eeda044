"""Source formats -> ArticleDraft: plain text, Markdown with front matter, HTML, JSON objects."""
from __future__ import annotations

import re
from typing import Any

from app.ingest.decode import looks_binary_text
from app.ingest.drafts import ArticleDraft, IngestError, optional_text, parse_published

FORMATS_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

METADATA_KEYS = ("title", "outlet", "url", "byline", "published", "language")

_ELEMENTS = r"html|head|body|article|main|header|section|div|p|h[1-6]|span|a|b|i|em|strong|ul|ol|li|table|blockquote|figure|script|style|title"
_OPENING = re.compile(rf"<(?:!doctype\s+html|(?:{_ELEMENTS}|br|meta|link|img)(?=[\s/>]))", re.IGNORECASE)
_CLOSING = re.compile(rf"</(?:{_ELEMENTS})\s*>", re.IGNORECASE)
HTML_HEAD = 8192  # characters read to tell markup from prose


def looks_like_html(text: str) -> bool:
    """Whether text given as plain text is HTML markup (a page's source, or an article's paragraphs
    copied as `<p>…</p>`): it opens with a doctype or an HTML element's tag, and its head closes at
    least two HTML elements. Prose that mentions a tag ("the <p> tag") opens with a word, and
    rarely closes anything."""
    head = text[:HTML_HEAD].lstrip("\ufeff \t\r\n")
    return bool(_OPENING.match(head)) and len(_CLOSING.findall(head)) >= 2


def _metadata(fields: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("title", "outlet", "url", "byline"):
        meta[key] = optional_text(fields.get(key), key)
    meta["published"] = parse_published(fields.get("published", fields.get("date")))
    meta["language"] = optional_text(fields.get("language"), "language", 16)
    return meta


def from_text(text: str, *, source_name: str, **meta: Any) -> ArticleDraft:
    """Plain text; HTML markup given as text (pasted, or in a JSONL `text`) is read as HTML."""
    if looks_binary_text(text):
        raise IngestError("looks like binary data, not text")
    if looks_like_html(text):
        return from_html(text, source_name=source_name, **meta)
    return ArticleDraft(source_name=source_name, source_format="text", raw=text, text=text, **_metadata(meta))


def from_markdown(source: str, *, source_name: str) -> ArticleDraft:
    import frontmatter
    from lxml import html as lxml_html
    from markdown_it import MarkdownIt

    try:
        post = frontmatter.loads(source)
    except Exception as exc:  # yaml errors come in several classes
        raise IngestError(f"front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    rendered = MarkdownIt("commonmark").render(post.content)
    blocks = []
    if rendered.strip():
        root = lxml_html.fragment_fromstring(rendered, create_parent="div")
        for block in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"):
            if block.tag == "blockquote" or (block.tag == "p" and block.getparent().tag in ("li", "blockquote")):
                continue
            blocks.append(" ".join(block.text_content().split()))
    draft = ArticleDraft(
        source_name=source_name,
        source_format="markdown",
        raw=source,
        text="\n\n".join(b for b in blocks if b),
        **_metadata(dict(post.metadata)),
    )
    return draft


def from_html(source: str, *, source_name: str, **meta: Any) -> ArticleDraft:
    """Main text and metadata of an article page via trafilatura; given metadata wins."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        source,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (doc.text if doc is not None else "") or ""
    if not text.strip():
        raise IngestError("no article text found in the HTML")
    found = {
        "title": doc.title,
        "byline": doc.author,
        "url": doc.url,
        "published": doc.date,
        "outlet": doc.sitename,
        "language": doc.language,
    }
    merged = {k: meta.get(k) or found.get(k) for k in METADATA_KEYS}
    try:
        fields = _metadata(merged)
    except IngestError:
        merged["published"] = meta.get("published")  # a page's own odd date is not the user's error
        fields = _metadata(merged)
    return ArticleDraft(source_name=source_name, source_format="html", raw=source, html=source, text=text, **fields)


def from_record(record: object, *, source_name: str) -> ArticleDraft:
    """One JSONL record: title, outlet, url, published, byline, and text or html."""
    if not isinstance(record, dict):
        raise IngestError(f"expected a JSON object, got {type(record).__name__}")
    meta = {k: record.get(k) for k in METADATA_KEYS}
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        draft = from_text(text, source_name=source_name, **meta)
    elif isinstance(html, str) and html.strip():
        draft = from_html(html, source_name=source_name, **meta)
    elif text is None and html is None:
        raise IngestError('has neither "text" nor "html"')
    elif (text is not None and not isinstance(text, str)) or (html is not None and not isinstance(html, str)):
        raise IngestError('"text" and "html" must be strings')
    else:
        raise IngestError("text is empty")
    draft.source_format = "jsonl"
    return draft
