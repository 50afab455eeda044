"""The framing work kept in the database, shared by every process: spaCy parses of passage texts
(passage_parses) and the latest framing of each story and event (framings). A worker fills both
after a change (app/pipeline.py), so the first reader of a changed story finds its framing made,
or at least every passage but the new ones parsed.

Writes go through a connection of their own, in short transactions of their own: a page's read
session stays read-only, and what is kept is keyed by content (a text's digest; a framing's
inputs and code version), so it can never be wrong for another request, only missing."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.db.models import Framing, PassageParse
from app.framing import PassageIn
from app.framing.common import parse, parses_of, remember, unparsed
from app.framing.parses import analysis_version, doc_from_bytes, doc_to_bytes, parser_name, text_digest

log = logging.getLogger(__name__)


def inputs_digest(key: tuple) -> bytes:
    """What a framing was computed from (passage ids, articles, outlet labels) and by which code."""
    return hashlib.blake2b(repr((analysis_version(), key)).encode(), digest_size=16).digest()


def forget_other_parsers(session: Session) -> int:
    """Delete the kept parses made by another spaCy model or version, which are never read again
    (`parallax frame`); commits. Returns how many went."""
    gone = session.execute(delete(PassageParse).where(PassageParse.parser != parser_name())).rowcount
    session.commit()
    return gone


class FramingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def framing(self, kind: str, subject_id: int, inputs: bytes) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(Framing.body).where(
                Framing.kind == kind, Framing.subject_id == subject_id, Framing.inputs == inputs))

    def keep_framing(self, kind: str, subject_id: int, inputs: bytes, body: dict[str, Any]) -> None:
        statement = insert(Framing).values(kind=kind, subject_id=subject_id, inputs=inputs, body=body)
        self._write(statement.on_conflict_do_update(
            index_elements=[Framing.kind, Framing.subject_id],
            set_={"inputs": statement.excluded.inputs, "body": statement.excluded.body,
                  "computed_at": statement.excluded.computed_at}))

    def prepare_parses(self, passages: Iterable[PassageIn]) -> None:
        """Every passage's parse in this process before an analysis: those kept in the database
        loaded, the rest parsed here and kept there."""
        missing = unparsed(p.text for p in passages)
        if not missing:
            return
        by_digest = {text_digest(t): t for t in missing}
        with self.engine.connect() as conn:
            rows = conn.execute(select(PassageParse.digest, PassageParse.doc).where(
                PassageParse.digest.in_(list(by_digest)), PassageParse.parser == parser_name())).all()
        remember({by_digest[bytes(digest)]: doc_from_bytes(bytes(doc)) for digest, doc in rows})
        todo = unparsed(missing)
        if not todo:
            return
        parse([PassageIn(id=i, article_id=0, outlet="", text=t) for i, t in enumerate(todo)])
        made = parses_of(todo)
        rows = [{"digest": text_digest(t), "parser": parser_name(), "doc": doc_to_bytes(d)} for t, d in made.items()]
        statement = insert(PassageParse).values(rows)
        self._write(statement.on_conflict_do_update(
            index_elements=[PassageParse.digest],
            set_={"parser": statement.excluded.parser, "doc": statement.excluded.doc}))

    def _write(self, statement) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(statement)
        except Exception:  # keeping is an optimisation: a read-only database still serves pages
            log.warning("could not keep framing work in the database", exc_info=True)
