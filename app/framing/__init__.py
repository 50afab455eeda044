"""Framing analysis: how outlets word, attribute and cover the same event. Pure: plain passages in,
dataclasses out; see analysis.py for the entry points."""
from app.framing.analysis import EventFraming, StoryFraming, analyse_event, analyse_story
from app.framing.independence import near_copies
from app.framing.inputs import PassageIn

__all__ = ["EventFraming", "PassageIn", "StoryFraming", "analyse_event", "analyse_story", "near_copies"]
