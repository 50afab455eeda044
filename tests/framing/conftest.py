"""Framing tests: pure functions on real seed sentences. No database: the session-wide settings
fixture of tests/conftest.py (which starts Postgres) is replaced here by a no-op."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.framing import PassageIn, analyse_story
from app.framing.common import parse

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
OUTLETS = ("seed-000", "seed-001", "seed-002")


@pytest.fixture(scope="session")
def settings():
    yield None


def seed_text(index: int) -> str:
    """The seed's clean article text: seed 002 loses its page chrome, seed 001 its byline."""
    text = sorted(SEEDS.glob("*.txt"))[index].read_text(encoding="utf-8")
    if index == 2:
        text = text[text.index("The United Nations Secretary-General"):text.index("No time to read?", 200)]
    return "\n".join(line for line in text.splitlines() if not line.startswith("Written by"))


def seed_passages(index: int) -> list[PassageIn]:
    paragraphs = [p.strip() for p in re.split(r"\n+", seed_text(index)) if p.strip()]
    return [PassageIn(id=index * 100 + k, article_id=index, outlet=OUTLETS[index], text=t)
            for k, t in enumerate(paragraphs)]


def passage(text: str, *, id: int = 1, outlet: str = "outlet-a", article_id: int = 1) -> PassageIn:
    return PassageIn(id=id, article_id=article_id, outlet=outlet, text=text)


def docs_for(*passages: PassageIn) -> dict:
    return parse(list(passages))


@pytest.fixture(scope="session")
def seed_story():
    """The three seeds as three outlets, all passages in one event (they report one story)."""
    everything = [p for i in range(3) for p in seed_passages(i)]
    return analyse_story({1: everything}, [])


def by_outlet(rows, outlet):
    return next(r for r in rows if r.outlet == outlet)
