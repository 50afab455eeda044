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


def test_a_titled_leader_is_a_person_and_the_title_alone_is_that_person_after_the_name():  # NewsWCL50: Abe, Kim
    found = rows("U.S. President Donald Trump and Russian President Vladimir Putin engaged in a 90-minute call. "
                 "Putin agreed. The Russian president said the talks went well.",
                 "Vladimir Putin spoke to reporters. Moscow welcomed the talks.", "Russia said nothing.")
    putin = row(found, "Vladimir Putin")
    assert putin.kind == "person"
    assert terms(putin, "outlet-0") == ["Russian President Vladimir Putin", "Putin", "Russian president"]
    assert terms(putin, "outlet-1") == ["Vladimir Putin"]
    assert terms(row(found, "Russia"), "outlet-1") == ["Moscow"]


def test_a_leader_only_one_outlet_names_stands_for_the_state_the_title_names():  # the seed's Russia row
    found = rows("Russian President Vladimir Putin agreed to talk.", "Moscow has rejected the plan.")
    assert [r.referent for r in found] == ["Russia"]
    assert terms(found[0], "outlet-0") == ["Russian President Vladimir Putin"]


def test_a_title_with_no_name_before_it_is_the_state():  # the seed: "the Russian president" (002)
    found = rows("The backdrop remains the ongoing military operation announced by the Russian president.",
                 "Russia has rejected the plan.")
    assert terms(row(found, "Russia"), "outlet-0") == ["Russian president"]


def test_us_is_never_a_country():  # NewsWCL50: "the pronoun 'us' as the United States"
    found = rows("“They do not respect us,” the senator said of the United States' allies.",
                 "The United States will answer, he told us.")
    assert "us" not in {t.lower() for r in found for ts in r.terms.values() for t in (x.term for x in ts)}


def test_definite_common_nouns_are_referents_of_their_own():  # NewsWCL50: "the caravan" x21 had no row
    found = rows("The caravan reached the border on Sunday. Officials said the caravan would wait.",
                 "The caravan of migrants, mostly from Honduras, arrived at the border. The caravan stopped.")
    caravan = row(found, "the caravan")
    assert caravan.kind == "thing" and caravan.outlets == 2
    assert sum(t.count for t in caravan.terms["outlet-0"]) == 2 and caravan.terms["outlet-1"]
    assert not [r for r in found if r.referent in ("the time", "the people")]


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


def test_an_outlet_whose_text_names_the_referent_is_never_shown_as_silent_on_it():
    # The parser reads "The Texas law" as the law, and its Texas is no mention of Texas of its own.
    law = "The Texas law bans abortions after about six weeks."
    found = rows("Texas can continue banning most abortions, a federal appeals court ruled on Friday.",
                 "A federal appeals court let Texas keep its ban.", law)
    texas = row(found, "Texas")
    assert texas.outlets == 3
    [term] = texas.terms["outlet-2"]
    assert (term.term, term.count) == ("Texas", 1)
    assert law[term.spans[0].start:term.spans[0].end] == "Texas"


def test_a_referent_named_by_one_outlet_only_is_not_spread_by_its_plain_name():
    # "Trump" tagged as an organisation in one outlet: that row stays out, the person's row takes it.
    found = rows("Mr. Trump said the ruling was fair.", "Former President Donald Trump praised the court.",
                 "Trump called the decision a win.")
    assert [r.referent for r in found] == ["Donald Trump"]  # the name, without the title
    assert terms(found[0], "outlet-1") == ["Former President Donald Trump"]
    assert terms(found[0], "outlet-2") == ["Trump"]


def test_an_organisation_named_with_a_description_shares_the_row_of_its_bare_name():
    found = rows("Merck asked regulators to authorise its pill.", "Pharmaceutical giant Merck announced the results on Friday.")
    merck = row(found, "Merck")
    assert merck.outlets == 2
    assert terms(merck, "outlet-1") == ["Pharmaceutical giant Merck"]


def test_a_name_with_and_inside_it_is_one_referent():
    found = rows("The Food and Drug Administration approved the vaccine on Monday.",
                 "Officials at the Food and Drug Administration met on Monday.")
    assert [r.referent for r in found if r.referent in {"Food", "Drug Administration"}] == []
    assert row(found, "Food and Drug Administration").outlets == 2


def test_a_name_the_parser_cuts_into_chunks_is_one_mention_of_the_whole_name():
    found = rows("The 5th U.S. Circuit Court of Appeals ruled on Friday.", "The U.S. Circuit Court of Appeals let the law stand.")
    court = row(found, "U.S. Circuit Court of Appeals")
    assert [(t.term, t.count) for t in court.terms["outlet-0"]] == [("5th U.S. Circuit Court of Appeals", 1)]
    assert [(t.term, t.count) for t in court.terms["outlet-1"]] == [("U.S. Circuit Court of Appeals", 1)]
    assert "Appeals" not in [r.referent for r in found]


def test_a_person_called_by_one_word_of_the_full_name_has_one_row():  # NewsWCL50: "Mr. Kim" apart from "Kim Jong Un"
    found = rows("North Korean leader Kim Jong Un will meet the envoy. Kim wants the talks.",
                 "Mr. Kim has not said where the talks will take place.")
    kim = [r for r in found if r.kind == "person"]
    assert len(kim) == 1 and kim[0].outlets == 2
    assert "Mr. Kim" in terms(kim[0], "outlet-1")


def test_a_name_suffix_is_not_the_surname():
    found = rows("Roger J. Stone Jr. denied the claim.", "Roger Stone denied the claim on Friday.")
    [stone] = [r for r in found if r.kind == "person"]
    assert stone.outlets == 2


def test_the_title_alone_is_the_first_person_so_titled_even_before_the_name():  # "the president" x40
    found = rows("The president spoke on Monday. President Donald Trump met Russian President Vladimir Putin. "
                 "Later the president left.",
                 "President Trump spoke to reporters.")
    trump = row(found, "Donald Trump")
    assert [t.term for t in trump.terms["outlet-0"] if t.term.lower() == "president"] and \
        sum(t.count for t in trump.terms["outlet-0"] if t.term.lower() == "president") == 2
    assert all(t.term.lower() != "president" for r in found if r.referent != "Donald Trump"
               for ts in r.terms.values() for t in ts)


def test_a_capital_someone_is_in_or_goes_to_is_the_city_not_the_government():
    found = rows("Trump will visit London in July. Protesters gathered in London.",
                 "Thousands marched in London on Friday. Britain said nothing.", "London has rejected the plan.")
    london = row(found, "London")
    assert london.kind == "other" and london.outlets == 2
    assert terms(row(found, "United Kingdom"), "outlet-2") == ["London"]


def test_a_place_is_no_ones_surname():
    found = rows("Breitbart London reported the march in London.", "Crowds gathered in London on Friday.")
    assert [r.kind for r in found if r.referent == "London"] == ["other"]
    assert not [r for r in found if r.kind == "person"]


def test_a_peoples_plural_name_is_their_country():  # NewsWCL50: "the Russians", "Americans"
    found = rows("The Russians denied any hacking.", "Russia denied any hacking.")
    assert terms(row(found, "Russia"), "outlet-0") == ["Russians"]


def test_an_organisation_and_its_initials_share_a_row():
    found = rows("The Democratic National Committee filed the lawsuit. The DNC wants damages.",
                 "The D.N.C. filed a lawsuit on Friday.")
    dnc = row(found, "Democratic National Committee")
    assert dnc.outlets == 2
    assert set(terms(dnc, "outlet-0")) == {"Democratic National Committee", "DNC"}
    assert terms(dnc, "outlet-1") == ["D.N.C."]


def test_the_north_alone_is_the_state_named_north():
    found = rows("North Korea said the North would talk.", "The North has agreed to meet, North Korea said.")
    assert [r.referent for r in found if r.referent in ("North", "North Korea")] == ["North Korea"]
    assert "North" in terms(row(found, "North Korea"), "outlet-1")


def test_the_members_of_a_collective_are_named_by_its_row():  # NewsWCL50: "the caravan" and "the migrants"
    found = rows("The migrant caravan reached the border. The migrants waited. The caravan stopped.",
                 "The caravan of immigrants reached the fence. The immigrants camped. The caravan waited.")
    caravan = row(found, "the caravan")
    assert {"migrants", "caravan"} <= {t.term.lower() for t in caravan.terms["outlet-0"]} | {"caravan"}
    assert "immigrants" in terms(caravan, "outlet-1")
    assert not [r for r in found if r.referent in ("the migrant", "the immigrant")]


def test_a_collectives_members_and_participants_are_named_by_its_row():  # NewsWCL50: "the caravan's members"
    found = rows("The caravan reached the border. The caravan's members waited. The caravan stopped.",
                 "Members of the caravan camped. The caravan waited. Some caravan participants slept. The caravan left.")
    caravan = row(found, "the caravan")
    assert "members" in terms(caravan, "outlet-0")
    assert {"Members", "caravan participants"} <= set(terms(caravan, "outlet-1"))
    assert not [r for r in found if r.referent in ("the member", "the participant")]


def test_a_title_after_a_possessive_leaves_the_possessor_its_own_mention():
    found = rows("Britain's foreign secretary spoke on Monday.", "Britain agreed.")
    assert terms(row(found, "United Kingdom"), "outlet-0") == ["Britain"]


def test_a_possessed_common_noun_is_the_thing_and_its_owner_a_mention_of_its_own():
    found = rows("Trump's campaign denied it. The campaign said so.", "The campaign denied it. Trump's campaign spoke.")
    campaign = row(found, "the campaign")
    assert sum(t.count for t in campaign.terms["outlet-0"]) == 2
    assert row(found, "Trump").outlets == 2


def test_a_partys_members_are_the_party():
    found = rows("Democrats sued the campaign.", "The Democratic Party sued the campaign.")
    party = row(found, "Democratic Party")
    assert terms(party, "outlet-0") == ["Democrats"]


def test_a_noun_and_the_closed_compound_ending_in_it_share_a_row():  # "the suit" and "the lawsuit"
    found = rows("The lawsuit names Russia. The suit asks for damages.", "The lawsuit was filed. The suit was filed.")
    assert [r.referent for r in found if r.kind == "thing"] == ["the lawsuit"]


def test_an_indefinite_noun_joins_the_definite_row_and_makes_none_of_its_own():
    found = rows("A caravan set out. The caravan reached the border. A statement followed. The statement was short.",
                 "The caravan waited. The caravan stopped. The caravan turned back. A statement was issued.")
    assert sum(t.count for t in row(found, "the caravan").terms["outlet-0"]) == 2
    assert not [r for r in found if r.referent == "the statement"]


def test_a_count_before_a_bare_plural_is_not_part_of_the_name():
    found = rows("More than 150 migrants arrived. The migrants waited.", "The migrants camped. Migrants slept.")
    assert set(terms(row(found, "the migrant"), "outlet-0")) == {"migrants"}


def test_a_title_as_an_owner_is_a_mention_of_its_holder():  # "the president's words"
    found = rows("President Trump spoke. He did not repeat the president's words.", "President Trump left.")
    trump = row(found, "Trump")
    assert sum(t.count for t in trump.terms["outlet-0"]) == 2


def test_a_surname_the_tagger_missed_is_still_the_persons():  # "[Trump] paused", said Comey
    found = rows("Donald Trump met Comey. “[Trump] paused,” Comey wrote.", "Donald Trump met Comey on Friday.")
    trump = row(found, "Donald Trump")
    assert sum(t.count for t in trump.terms["outlet-0"]) == 2
    may = rows("British Prime Minister Theresa May will visit Paris in May.", "Theresa May spoke on Friday.")
    assert sum(t.count for t in row(may, "Theresa May").terms["outlet-0"]) == 1


def test_the_title_alone_is_the_holder_the_outlet_mentions_most():
    found = rows("South Korean President Moon Jae-in agreed. U.S. President Donald Trump spoke. Trump said so. "
                 "Trump left. The president said talks would go on.", "President Donald Trump spoke.")
    assert "president" in [t.term.lower() for t in row(found, "Donald Trump").terms["outlet-0"]]


def test_a_title_with_a_country_is_the_holder_the_story_makes_that_countrys():  # NewsWCL50: "the US president"
    found = rows("President Trump will visit. The US President arrives on Friday. The French president will not.",
                 "U.S. President Donald Trump spoke. France said nothing.", "President Trump left for Britain.")
    assert "US President" in terms(row(found, "Donald Trump"), "outlet-0")
    assert "French president" in terms(row(found, "France"), "outlet-0")
    assert "United States" not in {r.referent for r in found}


def test_the_alias_table_makes_a_leader_whose_administration_it_names_that_states():
    found = rows("President Trump will visit. The American president arrives on Friday.",
                 "President Trump spoke.", "America said nothing.")
    assert terms(row(found, "Trump"), "outlet-0") == ["President Trump", "American president"]
    assert "United States" not in {r.referent for r in found}  # before: "American president" made outlet-0 name it


def test_a_states_servants_and_forces_after_its_demonym_are_the_state():  # "Russian officials", "American troops"
    found = rows("Russian officials denied it. Japanese officials agreed.", "Russia denied it. Japan agreed.")
    assert terms(row(found, "Russia"), "outlet-0") == ["Russian officials"]
    assert terms(row(found, "Japan"), "outlet-0") == ["Japanese officials"]
    assert not [r for r in found if r.referent == "the official"]


def test_a_leaders_government_is_the_state_they_lead():
    found = rows("Japanese Prime Minister Shinzo Abe spoke. Abe's government agreed.", "Japan agreed.")
    assert "Abe's government" in terms(row(found, "Japan"), "outlet-0")


def test_an_organisations_head_noun_alone_is_that_organisation_when_only_one_ends_in_it():
    found = rows("The Democratic National Committee sued. The committee wants damages. The committee said so.",
                 "The Democratic National Committee filed the suit. The committee spoke.")
    dnc = row(found, "Democratic National Committee")
    assert "committee" in [t.term.lower() for t in dnc.terms["outlet-1"]]
    two = rows("The Democratic National Committee and the Senate Intelligence Committee met. The committee spoke. "
               "The committee left.",
               "The committee spoke. The committee left. The Democratic National Committee sued.")
    assert row(two, "the committee").kind == "thing"


def test_a_known_surname_opening_a_sentence_stays_the_persons_even_when_tagged_as_a_noun():
    ps = [passage("President Donald Trump met the Japanese prime minister on Tuesday.", id=1, outlet="a"),
          passage("Trump has nominated Pompeo to lead the State Department.", id=2, outlet="a"),
          passage("President Donald Trump spoke with reporters.", id=3, outlet="b")]
    rows = analyse_naming(ps, docs_for(*ps))
    [trump] = [r for r in rows if r.referent == "Donald Trump"]
    assert any(s.passage_id == 2 for t in trump.terms["a"] for s in t.spans)
