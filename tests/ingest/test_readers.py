import json

from app.ingest.drafts import ArticleDraft, Rejection
from app.ingest.readers import read_paths

BODY = "The parliament voted on Tuesday to approve the budget after a long debate. " * 4


def test_jsonl_reports_bad_lines_by_number_and_keeps_going(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": "One", "outlet": "Daily", "text": BODY, "extra": 1}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"title": "No body"}),
        "",
        json.dumps({"title": "Two", "published": "2025-01-02", "text": BODY + " more"}),
        json.dumps({"title": "Bad date", "published": "yesterday", "text": BODY}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_paths([path], max_bytes=100_000))
    kinds = [(type(i).__name__, i.source_name.rsplit(":", 1)[1]) for i in items]
    assert kinds == [
        ("ArticleDraft", "1"), ("Rejection", "2"), ("Rejection", "3"), ("Rejection", "4"),
        ("ArticleDraft", "6"), ("Rejection", "7"),
    ]
    reasons = [i.reason for i in items if isinstance(i, Rejection)]
    assert reasons[0].startswith("malformed JSON")
    assert reasons[1] == "expected a JSON object, got list"
    assert reasons[2] == 'has neither "text" nor "html"'
    assert "not an ISO date" in reasons[3]
    assert items[0].outlet == "Daily" and items[0].title == "One"


def test_markdown_front_matter_supplies_metadata(tmp_path):
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Budget passes\noutlet: The Ledger\npublished: 2025-03-01\nurl: https://ledger.example/b\n---\n"
        "# Budget passes\n\nThe *parliament* voted [today](https://x.example).\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    (draft,) = read_paths([path], max_bytes=100_000)
    assert isinstance(draft, ArticleDraft)
    assert (draft.title, draft.outlet, str(draft.published)) == ("Budget passes", "The Ledger", "2025-03-01")
    assert draft.text == "Budget passes\n\nThe parliament voted today.\n\nSecond paragraph."


def test_html_main_text_comes_out_without_scripts_or_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>T</title></head><body><nav>Home | World | Sport</nav><article><h1>Storm hits coast</h1>"
        f"<p>{BODY}</p><p>Officials said<script>alert('x')</script> more rain is due.</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    (draft,) = read_paths([path], max_bytes=100_000)
    assert isinstance(draft, ArticleDraft)
    assert draft.title == "Storm hits coast"
    assert "alert" not in draft.text and "Home | World" not in draft.text
    assert "more rain is due" in draft.text


def test_html_without_article_text_is_refused(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>document.write('hi')</script><img src=x></body></html>", encoding="utf-8")
    (item,) = read_paths([path], max_bytes=100_000)
    assert isinstance(item, Rejection) and item.reason == "no article text found in the HTML"


def test_folders_are_walked_in_order_and_missing_paths_reported(tmp_path):
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    items = list(read_paths([tmp_path, tmp_path / "missing.txt"], max_bytes=100_000))
    assert [i.source_name.rsplit("/", 1)[1] for i in items] == ["a.txt", "b.txt", "missing.txt"]
    assert isinstance(items[2], Rejection) and items[2].reason == "no such file or folder"


def test_oversized_and_binary_files_are_refused_before_parsing(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000, encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    items = {i.source_name.rsplit("/", 1)[1]: i for i in read_paths([big, binary], max_bytes=1000)}
    assert items["big.txt"].reason == "is 2,000 bytes, over the 1,000 byte limit"
    assert items["image.txt"].reason == "is a binary file, not text"
