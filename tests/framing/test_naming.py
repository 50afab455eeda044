from app.framing.naming import analyse_naming
from tests.framing.conftest import OUTLETS, docs_for, passage


def rows(*texts):
    ps = [passage(t, id=i, outlet=f"outlet-{i}") for i, t in enumerate(texts)]
    return analyse_naming(ps, docs_for(*ps))


def row(found, referent):
    return next(r for r in found if r.referent == referent)


def terms(r, outlet):
    return [t.term for t in r.terms[outlet]]


def test_capital_seat_of_power_and_government_noun_name_the_same_state():
    found = rows("The United States urged both Ukraine and the Russian dictatorship to take responsibility.",
                 "Western governments have enacted new sanctions aimed at pressuring Moscow.",
                 "Statements like these risk downplaying the Kremlin’s responsibility for the war.")
    russia = row(found, "Russia")
    assert (russia.kind, russia.outlets, russia.varied) == ("state", 3, True)
    assert terms(russia, "outlet-0") == ["Russian dictatorship"]
    assert terms(russia, "outlet-1") == ["Moscow"]
    assert terms(russia, "outlet-2") == ["Kremlin"]


def test_titled_leader_is_the_state_and_so_is_the_bare_surname_after_it():
    found = rows("U.S. President Donald Trump and Russian President Vladimir Putin engaged in a 90-minute call. "
                 "Putin agreed.", "The backdrop remains the ongoing military operation announced by the Russian "
                 "president in late February.")
    russia = row(found, "Russia")
    assert terms(russia, "outlet-0") == ["Russian President Vladimir Putin", "Putin"]
    assert terms(russia, "outlet-1") == ["Russian president"]


def test_acts_share_a_row_and_drop_the_possessor():
    found = rows("A conflict sparked by Russia’s unprovoked invasion.",
                 "The backdrop remains the ongoing military operation announced in late February.")
    war = row(found, "the war")
    assert war.kind == "act"
    assert "unprovoked invasion" in terms(war, "outlet-0")
    assert terms(war, "outlet-1") == ["ongoing military operation"]


def test_every_term_carries_spans_into_its_passage():
    found = rows("Kyiv and Moscow could receive huge benefits.", "Moscow and Kyiv met.")
    for r in found:
        for ts in r.terms.values():
            for t in ts:
                assert t.count == len(t.spans)
                assert all(s.text.lower() == t.term.lower() for s in t.spans)


def test_referents_mentioned_by_one_outlet_only_are_left_out():
    found = rows("Kelly said so.", "Moscow said so.")
    assert all(r.outlets == 2 for r in found)
    assert OUTLETS  # the seed outlets are used in test_seed_contrasts
