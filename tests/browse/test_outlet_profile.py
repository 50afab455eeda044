"""The outlet profile read from the story framings kept in the database: stories framed as the
pages frame them, then the profile of one outlet across them."""
from __future__ import annotations

from app.browse.comparisons import get_story_overview
from app.browse.outlet_profile import get_outlet_profile
from tests.factories import make_outlet, make_story_of


def iran_story(session, outlets, topic: str):
    """`outlets[0]` says "Tehran" and "claimed" where the others say "the Iranian government" and
    "said", and leaves out the protests the two others report."""
    daily, herald, courier = outlets
    return make_story_of(session, title=f"Iran holds the {topic}", events=2, articles=[
        (daily, [(f"The regime in Tehran claimed that the {topic} was a success. Tehran also claimed it had "
                  "won wide support. Officials alleged foreign interference.", 0)]),
        (herald, [(f"The Iranian government said that the {topic} was a success. The government said it had "
                   "won wide support. The government said there was interference.", 0),
                  (f"Protesters gathered outside the ministry after the {topic}, and the police dispersed them.", 1)]),
        (courier, [(f"The Iranian government said that the {topic} was a success. The government said it had "
                    "won wide support. Ministers said there was interference.", 0),
                   (f"Protesters gathered outside the ministry after the {topic}, and police used tear gas.", 1)]),
    ])


def framed_outlet(session):
    """Three outlets, two framed stories and a third story not framed yet."""
    outlets = [make_outlet(session, name) for name in ("Daily Tehran Watch", "The Herald", "The Courier")]
    stories = [iran_story(session, outlets, topic) for topic in ("election", "referendum")]
    for story in stories:
        get_story_overview(session=session, story_id=story.id, framing=True)
    iran_story(session, outlets, "census")
    return outlets, stories


def test_the_profile_reads_the_kept_framings_of_the_outlets_stories(session):
    (daily, herald, _), stories = framed_outlet(session)
    view = get_outlet_profile(session=session, outlet_id=daily.id)
    profile = view.profile
    assert (view.recent, view.kept, profile.stories, profile.compared, profile.enough) == (3, 2, 2, 2, True)
    [name] = profile.names
    assert (name.referent, name.term, name.others) == ("Iran", "Tehran", ["Iranian government"])
    assert sorted(name.stories) == sorted(s.id for s in stories)
    assert profile.stance.own["distancing"] == 6 and profile.stance.own["neutral"] == 0
    assert profile.stance.others["neutral"] == 12 and profile.stance.others["distancing"] == 0
    assert [v for v, _ in profile.stance.distancing_verbs] == ["claimed", "alleged"]
    assert len(profile.tone.stories) == 2
    assert sorted(x.event_id for x in profile.left_out) == sorted(s.events[1].id for s in stories)
    assert all(view.events[x.event_id].story_id == x.story_id for x in profile.left_out)
    herald_profile = get_outlet_profile(session=session, outlet_id=herald.id).profile
    assert herald_profile.names == [] and herald_profile.left_out == []
    assert herald_profile.stance.own["distancing"] == 0


def test_an_outlet_in_one_framed_story_has_not_enough_yet(session):
    outlets = [make_outlet(session) for _ in range(3)]
    story = iran_story(session, outlets, "vote")
    get_story_overview(session=session, story_id=story.id, framing=True)
    profile = get_outlet_profile(session=session, outlet_id=outlets[0].id).profile
    assert (profile.stories, profile.enough, profile.names, profile.stance, profile.tone) == (1, False, [], None, None)
