"""The stored world: outlets publish articles, articles split into passages, passages are
grouped into events, articles into stories."""
from __future__ import annotations

from datetime import date, datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.db.base import Base


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str | None] = mapped_column(String(253))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    articles: Mapped[list[Article]] = relationship(back_populates="outlet")


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    articles: Mapped[list[Article]] = relationship(back_populates="story")
    events: Mapped[list[Event]] = relationship(back_populates="story")

    # The home page lists stories newest first (updated_at DESC, id DESC): read backwards, this
    # index gives a page without sorting every story.
    __table_args__ = (Index("ix_stories_updated_at_id", "updated_at", "id"),)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    source_format: Mapped[str] = mapped_column(String(16))
    source_name: Mapped[str | None] = mapped_column(Text)
    source_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What clustering needs of the article (entities, numbers, dates...), computed once at ingest.
    features: Mapped[dict | None] = mapped_column(JSONB)
    # The title embedded with the passages' model (NULL without a title).
    title_embedding: Mapped[list[float] | None] = mapped_column(Vector(), deferred=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    outlet: Mapped[Outlet | None] = relationship(back_populates="articles")
    story: Mapped[Story | None] = relationship(back_populates="articles")
    passages: Mapped[list[Passage]] = relationship(
        back_populates="article", order_by="Passage.position", cascade="all, delete-orphan"
    )

    @property
    def display_title(self) -> str:
        """The article's own title, or one clearly marked as taken from its lede."""
        if self.title:
            return self.title
        lede = self.clean_text.split("\n", 1)[0]
        words = lede.split()
        short = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        return f"[from the lede] {short}"


class ArticleVector(Base):
    """An article's own vector (its passages' and title's, lede-weighted: features.article_vector)
    and their model: a new article is compared with the stories of its nearest articles by it,
    through a per-model HNSW index (app/db/vector_index.py). A table of its own because articles
    rows are rewritten whenever their story changes, and every rewrite of a row with an HNSW
    indexed column is an insert into that index: a recluster moving 100k articles took minutes."""

    __tablename__ = "article_vectors"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(Vector())
    embedding_model: Mapped[str] = mapped_column(String(200))


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    story: Mapped[Story] = relationship(back_populates="events")
    passages: Mapped[list[Passage]] = relationship(
        secondary="passage_events", back_populates="event", passive_deletes=True
    )


class PassageEvent(Base):
    """Which event a passage belongs to (at most one). Its own table, not a column of passages:
    a regrouping rewrites many memberships, and every rewritten passages row also cost inserts
    into the HNSW, full-text and other indexes of passages."""

    __tablename__ = "passage_events"

    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


class Passage(Base):
    __tablename__ = "passages"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_passages_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Dimensionless so the model is a setting; the HNSW index casts per model (see migrations).
    embedding: Mapped[list[float] | None] = mapped_column(Vector())
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    # The passage's event, read through passage_events' primary key with every passage loaded
    # (what views and the export show); written through Passage.event or PassageEvent rows.
    event_id: Mapped[int | None] = column_property(
        select(PassageEvent.event_id).where(PassageEvent.passage_id == id)
        .correlate_except(PassageEvent).scalar_subquery()
    )
    # Full-text search over passages (English stemming), kept by Postgres itself.
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed("to_tsvector('english', text)", persisted=True), deferred=True
    )

    article: Mapped[Article] = relationship(back_populates="passages")
    # Membership lives in passage_events (see PassageEvent); both are views of that table.
    event: Mapped[Event | None] = relationship(
        secondary="passage_events", back_populates="passages", passive_deletes=True
    )


class ClusterRedirect(Base):
    """A story or event id that disappeared in a recluster, and the id that took its place."""

    __tablename__ = "cluster_redirects"
    __table_args__ = (Index("ix_cluster_redirects_kind_old_id", "kind", "old_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "story" | "event"
    old_id: Mapped[int] = mapped_column(Integer)
    new_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TermFrequency(Base):
    """In how many stored articles a clustering term occurs: the IDF of story similarity, kept up
    to date on ingest and rebuilt by a recluster."""

    __tablename__ = "term_frequencies"

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    df: Mapped[int] = mapped_column(Integer)


class CorpusState(Base):
    """One row: the corpus generation, moved on at the commit of every change to outlets, stories,
    articles, events, passages, event memberships or redirects (by a deferred trigger, see its
    migration). What pages show is a function of it, so pages are cached per generation."""

    __tablename__ = "corpus_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    changes_from: Mapped[int] = mapped_column(BigInteger)  # the oldest generation corpus_changes still lists


class CorpusChange(Base):
    """A story that a generation changed (written by the same trigger; story 0: something any page
    may show), so stored pages of other stories outlive the change."""

    __tablename__ = "corpus_changes"

    generation: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    story_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class PassageParse(Base):
    """A passage text's spaCy parse (DocBin bytes), by the text's digest and the parser's name."""

    __tablename__ = "passage_parses"

    digest: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    parser: Mapped[str] = mapped_column(String(100))
    doc: Mapped[bytes] = mapped_column(LargeBinary)


class Framing(Base):
    """The latest framing analysis of a story or event, and the digest of its inputs (passages,
    outlet labels, analysis code): read when the digest still matches what the page shows."""

    __tablename__ = "framings"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "story" | "event"
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inputs: Mapped[bytes] = mapped_column(LargeBinary)
    body: Mapped[dict] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
