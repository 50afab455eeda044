"""spaCy parses as bytes, so they can be kept outside the process (the database keeps them by the
text's digest), and a version of the whole analysis, so results kept outside are only reused by
the same code, data and parser. Pure: bytes in and out, no storage."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from app.framing.common import nlp

PACKAGE = Path(__file__).parent


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@lru_cache(maxsize=1)
def parser_name() -> str:
    import spacy

    meta = nlp().meta
    return f"{meta['lang']}_{meta['name']}-{meta['version']}/spacy-{spacy.__version__}"


def doc_to_bytes(doc) -> bytes:
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    docs.add(doc)
    return docs.to_bytes()


def doc_from_bytes(blob: bytes):
    from spacy.tokens import DocBin

    return next(iter(DocBin().from_bytes(blob).get_docs(nlp().vocab)))


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """Digest of every module and data file of app/framing and of the parser: a stored analysis
    computed by other code is never taken for this code's."""
    digest = hashlib.blake2b(parser_name().encode(), digest_size=12)
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".json"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
