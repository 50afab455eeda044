from app.ingest.passages import paragraph_spans, sentence_spans, split_passages


def test_short_paragraphs_map_to_passages_with_exact_offsets():
    paragraphs = [" ".join(["First paragraph"] * 10), " ".join(["Second paragraph"] * 10)]
    text = "\n\n".join(paragraphs)
    spans = split_passages(text, max_chars=480, min_chars=60)
    assert [text[s.start : s.end] for s in spans] == paragraphs


def test_long_paragraph_splits_at_sentence_boundaries_into_similar_pieces():
    sentence = "The council met on Tuesday and the vote was delayed again. "
    text = (sentence * 16).strip()
    spans = split_passages(text, max_chars=300, min_chars=50)
    assert len(spans) >= 3
    for s in spans:
        piece = text[s.start : s.end]
        assert piece.startswith("The council") and piece.endswith(".")
        assert len(piece) <= 300 + len(sentence)
    assert max(len(s) for s in spans) - min(len(s) for s in spans) <= len(sentence) * 2


def test_tiny_paragraphs_merge_with_a_neighbour():
    text = "Short one.\n\n" + "A real paragraph with enough words in it to stand alone as a passage. " * 3
    spans = split_passages(text.strip(), max_chars=480, min_chars=60)
    assert len(spans) == 1
    assert spans[0].start == 0


def test_abbreviations_do_not_end_sentences():
    text = "U.S. President Donald Trump spoke. The U.N. vote followed on Monday."
    assert [text[s.start : s.end] for s in sentence_spans(text)] == [
        "U.S. President Donald Trump spoke.",
        "The U.N. vote followed on Monday.",
    ]


def test_paragraph_spans_cover_each_paragraph():
    text = "one\n\ntwo lines\nof a block\n\nthree"
    assert [text[s.start : s.end] for s in paragraph_spans(text)] == ["one", "two lines\nof a block", "three"]


def test_a_paragraph_over_a_million_characters_is_split_like_any_other():
    text = "The harbour reopened on Tuesday after the storm. " * 21_000
    assert len(text) > 1_000_000
    spans = split_passages(text.strip())
    assert len(spans) > 2000 and max(len(s) for s in spans) < 500
    assert all(text[s.end - 1] == "." for s in spans)
