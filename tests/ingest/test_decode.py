import pytest

from app.ingest.decode import check_size, decode_text, looks_binary_text
from app.ingest.drafts import IngestError, parse_published


def test_utf8_with_and_without_bom():
    assert decode_text("Kyiv – Moscow".encode()) == "Kyiv – Moscow"
    assert decode_text(b"\xef\xbb\xbfhello") == "hello"


def test_utf16_with_bom():
    assert decode_text("Grüße".encode("utf-16")) == "Grüße"


def test_latin1_is_refused_with_the_offending_byte():
    with pytest.raises(IngestError, match=r"not UTF-8 text \(byte 0xe9 at offset 3\)"):
        decode_text("caf\xe9 au lait".encode("latin-1"))


def test_html_may_declare_its_charset():
    page = '<html><head><meta charset="iso-8859-1"></head><body>caf\xe9</body></html>'.encode("latin-1")
    assert "café" in decode_text(page, html=True)


def test_binary_is_refused():
    with pytest.raises(IngestError, match="binary file"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_size_limit_in_exact_bytes():
    with pytest.raises(IngestError, match="^is 2,500,000 bytes, over the 2,000,000 byte limit$"):
        check_size(2_500_000, 2_000_000)
    check_size(1000, 1000)


def test_a_reader_that_stopped_one_byte_past_the_limit_does_not_state_a_size():
    with pytest.raises(IngestError, match="^is over the 1,000 byte limit$"):
        check_size(1001, 1000)


def test_text_that_is_binary_data_in_disguise_is_told_apart_from_real_text():
    assert looks_binary_text("".join(chr(c) for c in range(256)) * 10)
    assert looks_binary_text("A title\x00")
    assert not looks_binary_text("Café, naïve résumé: “quotes” — and\ttabs\r\nand lines\f")
    assert not looks_binary_text("")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025-02-25", "2025-02-25"), ("2025-02-25T10:00:00Z", "2025-02-25"), (None, None), ("", None)],
)
def test_published_dates(value, expected):
    result = parse_published(value)
    assert (result.isoformat() if result else None) == expected


def test_published_garbage_is_refused():
    with pytest.raises(IngestError, match="not an ISO date"):
        parse_published("last Tuesday")


def test_a_publication_date_after_tomorrow_is_refused():
    from datetime import date, timedelta

    tomorrow = date.today() + timedelta(days=1)
    assert parse_published(tomorrow.isoformat()) == tomorrow  # a time zone ahead
    with pytest.raises(IngestError, match="^published 2099-01-01 is in the future$"):
        parse_published("2099-01-01T08:00:00Z")
