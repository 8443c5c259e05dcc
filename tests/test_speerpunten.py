"""The speerpunten finder on realistic Dutch plan text: each announcement form, each distractor."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from ivpcorpus import catalog
from ivpcorpus.evaluate_speerpunten import count_matches, load_gold, score
from ivpcorpus.extract import blocks_from_text
from ivpcorpus.speerpunten import find_speerpunten, item_id

VEILIGHEIDSBEELD = """2 Veiligheidsbeeld

Het aantal woninginbraken daalde met een vijfde. Meldingen over drugsoverlast en personen met verward gedrag namen toe.

De meest genoemde problemen in de Veiligheidsmonitor zijn:
• Hard rijden
• Drugsoverlast
• Jeugdoverlast
"""

EVALUATIE = """3 Terugblik

In het vorige veiligheidsplan (2019-2022) stonden de volgende prioriteiten centraal:
• Woninginbraak
• Huiselijk geweld
• Fietsdiefstal
"""

LANDELIJK = """4 Landelijke kaders

De landelijke Veiligheidsagenda 2023-2026 noemt de volgende landelijke prioriteiten:
• Mensenhandel
• Cybercrime
• Maatschappelijke onrust
"""

BIJLAGE = """Bijlage 1: Veiligheidsvelden van Kernbeleid Veiligheid

Ter volledigheid staat hieronder de indeling van Kernbeleid Veiligheid:
• Veilige woon- en leefomgeving
• Bedrijvigheid en veiligheid
• Jeugd en veiligheid
• Fysieke veiligheid
• Integriteit en veiligheid
"""


def documents_for(*doc_ids: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "doc_id": d, "source_file": f"{d}.pdf", "path": f"{d}.pdf", "sha256": "", "format": "pdf", "pages": 1,
        "title": "", "municipalities": "GM0000", "period": "2023-2026", "status": "ok", "reason": "", "ocr_pages": 0,
    } for d in doc_ids]).astype({"pages": "int64"})


def find(text: str, doc_id: str = "plan") -> pd.DataFrame:
    return find_speerpunten(documents_for(doc_id), blocks_from_text(doc_id, text)).items


def texts(items: pd.DataFrame, level: str = "prioriteit") -> list[str]:
    return items.loc[items["level"] == level, "text"].tolist()


def test_bulleted_list_after_announcement_and_every_distractor_ignored():
    text = VEILIGHEIDSBEELD + EVALUATIE + LANDELIJK + """5 Onze keuzes

Op basis van de veiligheidsanalyse en de gesprekken met partners hebben wij gekozen voor vier speerpunten:
• Ondermijnende criminaliteit een halt toeroepen
• Zorg en veiligheid
• Jeugdoverlast en -criminaliteit
• Digitale veiligheid

""" + BIJLAGE
    items = find(text)
    assert texts(items) == ["Ondermijnende criminaliteit een halt toeroepen", "Zorg en veiligheid",
                            "Jeugdoverlast en -criminaliteit", "Digitale veiligheid"]
    assert texts(items, "overig_thema") == []
    assert items["evidence"].str.contains("gekozen voor vier speerpunten").all()
    assert catalog.validate("speerpunten", items) is items


def test_numbered_list_under_priorities_heading_keeps_sub_bullets_as_context():
    text = """3 Prioriteiten

1) Ondermijning
– hennepteelt in het buitengebied
– misbruik van vakantieparken
2) Personen met verward gedrag
3) Veilig uitgaan

4 Organisatie

De burgemeester is verantwoordelijk voor de openbare orde.
"""
    items = find(text)
    assert texts(items) == ["Ondermijning", "Personen met verward gedrag", "Veilig uitgaan"]
    context = items.set_index("text").loc["Ondermijning", "context"]
    assert "hennepteelt" in context and "vakantieparken" in context
    assert "kop 'Prioriteiten'" in items["evidence"].iloc[0]


def test_priority_headings_are_found_and_their_goals_and_actions_are_context():
    text = """3 Bovenlokale prioriteiten

3.1 Prioriteit 1: Samenwerken op het snijvlak van zorg en veiligheid

Steeds meer meldingen gaan over personen met verward gedrag.

Wat gaan we daarvoor doen?
• Deelname aan het zorg- en veiligheidshuis
• Training signaleren voor medewerkers van de gemeente

3.2 Prioriteit 2: Veilig toerisme, recreatie en evenementen

Het Heuvelland trekt veel bezoekers.

Doelen
• Het aantal incidenten op evenementen daalt
"""
    items = find(text)
    assert texts(items) == ["Samenwerken op het snijvlak van zorg en veiligheid",
                            "Veilig toerisme, recreatie en evenementen"]
    assert "verward gedrag" in items["context"].iloc[0]


def test_running_sentence_is_split_into_items():
    text = """Voorwoord

Voor de komende vier jaar heeft de gemeenteraad richting gegeven. We zetten extra in op; personen met verward gedrag, drugsoverlast, ondermijnende en georganiseerde criminaliteit en jeugdoverlast en -criminaliteit.
"""
    assert texts(find(text)) == ["personen met verward gedrag", "drugsoverlast",
                                 "ondermijnende en georganiseerde criminaliteit", "jeugdoverlast en -criminaliteit"]


def test_sentence_with_priorities_named_after_the_enumeration():
    text = "Na overleg in de driehoek zijn woonoverlast, cybercrime en veilig ondernemen als lokale prioriteiten vastgesteld.\n"
    assert texts(find(text)) == ["woonoverlast", "cybercrime", "veilig ondernemen"]


def test_sentence_that_only_mentions_priorities_is_not_an_enumeration():
    text = ("Het IVP benoemt de prioriteiten, beschrijft ambities en uitgangspunten en biedt aanknopingspunten voor "
            "monitoring, bijsturing en verantwoording.\n")
    assert find(text).empty


def test_table_of_priorities_skips_its_header_row():
    rows = [("heading", 1, "4 Onze prioriteiten"),
            ("paragraph", 0, "In onderstaande tabel staan de prioriteiten van dit plan met hun doel."),
            ("table_row", 0, "Prioriteit | Wat willen we bereiken?"),
            ("table_row", 0, "Woninginbraak | Minder inbraken dan in 2022"),
            ("table_row", 0, "Huiselijk geweld | Iedere casus heeft binnen twee weken een regisseur."),
            ("table_row", 0, "Verkeersveiligheid | Veilige schoolroutes")]
    blocks = pd.DataFrame([{"doc_id": "plan", "block_id": i, "page": 7, "kind": k, "level": lvl, "text": t,
                            "x0": 70.0, "top": 100.0 + 20 * i, "x1": 500.0, "bottom": 115.0 + 20 * i, "ocr": False}
                           for i, (k, lvl, t) in enumerate(rows)])
    items = find_speerpunten(documents_for("plan"), blocks).items
    assert texts(items) == ["Woninginbraak", "Huiselijk geweld", "Verkeersveiligheid"]
    assert items["context"].iloc[0] == "Minder inbraken dan in 2022"
    assert (items["page"] == 7).all()


def test_theme_chapters_are_the_priorities_when_the_plan_says_so():
    text = """1 Inleiding

Dit plan richt zich op de vastgestelde prioriteiten per thema. De thema's in de hoofdstukken 3 tot en met 5 zijn de prioriteiten van dit plan.

2 Veiligheidsbeeld

Het aantal inbraken daalt.

3 Ondermijning

Ondermijning komt overal voor, ook hier.

4 Jeugd en veiligheid

Onder dit thema valt jeugdoverlast.

5 Cybercrime en digitale veiligheid

Het slachtofferschap van online oplichting stijgt.

6 Organisatie en financiën

Het college stelt elk jaar een uitvoeringsprogramma vast.
"""
    items = find(text)
    assert texts(items) == ["Ondermijning", "Jeugd en veiligheid", "Cybercrime en digitale veiligheid"]
    assert items["evidence"].str.contains("hoofdstuk").all()


def test_table_of_contents_gives_priorities_and_second_tier_and_the_body_page_wins():
    toc = """Inhoud

1. Inleiding 2
2. Uitgangssituatie 3
2.1 Veilige woon- en leefomgeving 3
2.2 Jeugd en veiligheid 4
3. Prioriteiten 5
3.1 Verkeersveiligheid 5
3.2 Integrale wijkaanpak 6
4. Strategische thema's 7
4.1 Digitale veiligheid 7
5. Financiën 8
"""
    body = """3. Prioriteiten

3.1 Verkeersveiligheid

Het aantal ongevallen met fietsers stijgt.
"""
    blocks = pd.concat([blocks_from_text("plan", toc, page=1), blocks_from_text("plan", body, page=5)], ignore_index=True)
    blocks["block_id"] = range(len(blocks))
    items = find_speerpunten(documents_for("plan"), blocks).items
    assert sorted(texts(items)) == ["Integrale wijkaanpak", "Verkeersveiligheid"]
    assert texts(items, "overig_thema") == ["Digitale veiligheid"]
    pages = items.set_index("text")["page"]
    assert pages["Verkeersveiligheid"] == 5  # stated in the body on p. 5, not the TOC page
    assert pages["Integrale wijkaanpak"] == 1  # only in the TOC


def test_repeated_priorities_are_reported_once_at_their_first_body_page():
    summary = """Samenvatting

Onze speerpunten zijn:
• Ondermijning
• Zorg en veiligheid
"""
    chapters = """3 Speerpunten

3.1 Speerpunt 1 - Ondermijning

We versterken de informatiepositie.

3.2 Speerpunt 2 - Zorg en veiligheid

We werken samen in het zorg- en veiligheidshuis.
"""
    blocks = pd.concat([blocks_from_text("plan", summary, page=2), blocks_from_text("plan", chapters, page=6)],
                       ignore_index=True)
    blocks["block_id"] = range(len(blocks))
    items = find_speerpunten(documents_for("plan"), blocks).items
    assert texts(items) == ["Ondermijning", "Zorg en veiligheid"]
    assert items["page"].tolist() == [2, 2]
    assert items["item_id"].is_unique


def test_second_tier_list_and_sentence():
    text = """4 Prioriteiten

De prioriteiten voor de komende vier jaar zijn:
• Ondermijning
• Woonoverlast

5 Overige thema's

Naast de prioriteiten blijven we aandacht besteden aan de volgende thema's:
• Veilig uitgaan
• Brandveiligheid

Daarnaast blijven we aandacht besteden aan verkeersveiligheid, crisisbeheersing en veilige evenementen.
"""
    items = find(text)
    assert texts(items) == ["Ondermijning", "Woonoverlast"]
    assert texts(items, "overig_thema") == ["Veilig uitgaan", "Brandveiligheid", "verkeersveiligheid",
                                            "crisisbeheersing", "veilige evenementen"]


def test_examples_and_reference_lists_are_not_items():
    text = ("Daarnaast blijft de gemeente aandacht besteden aan thema's die in andere beleidsplannen worden uitgewerkt, "
            "zoals het verkeersplan, het horecabeleid en het evenementenbeleid.\n\n" + BIJLAGE)
    assert find(text).empty


def test_item_ids_are_stable_and_documents_without_priorities_are_listed():
    text = "Onze speerpunten zijn:\n• Ondermijning\n• Cybercrime\n"
    documents = documents_for("a1", "b2")
    blocks = blocks_from_text("a1", text)
    first = find_speerpunten(documents, blocks)
    again = find_speerpunten(documents, blocks_from_text("a1", "Voorwoord\n\n" + text))
    assert first.items["item_id"].tolist() == again.items["item_id"].tolist()
    assert first.items["item_id"].iloc[0] == item_id("a1", "prioriteit", "ondermijning")
    findings = first.findings.set_index("doc_id")
    assert findings.loc["a1", "n_prioriteit"] == 2
    assert findings.loc["b2", "n_prioriteit"] == 0 and findings.loc["b2", "finding"].startswith("geen prioriteiten")


def test_plan_that_deliberately_names_no_priorities():
    text = """1 Visie

Dit plan is een strategische visie. Het benoemt bewust geen prioriteiten: de driehoek bepaalt jaarlijks waar de inzet naartoe gaat.

2 Ondermijning

Tekst.

3 Jeugd

Tekst.
"""
    result = find_speerpunten(documents_for("plan"), blocks_from_text("plan", text))
    assert result.items.empty
    assert "bewust geen prioriteiten" in result.findings["finding"].iloc[0]


def test_matching_is_one_to_one_and_rejects_long_items_containing_a_short_gold_phrase():
    assert count_matches(["Ondermijning", "ondermijning"], ["Ondermijning"]) == 1
    assert count_matches(["de aanpak van ondermijnende criminaliteit"], ["de aanpak van ondermijnende criminaliteit;"]) == 1
    assert count_matches(["Ondermijning en de aanpak van drugscriminaliteit in het buitengebied en op parken"],
                         ["Ondermijning"]) == 0


def test_score_counts_found_items_in_non_plans_as_false_positives(tmp_path):
    gold_path = tmp_path / "gold.json"
    gold_path.write_text(json.dumps([
        {"doc": "a.pdf", "expected": "document", "priorities": ["Ondermijning", "Jeugd"], "other_themes": []},
        {"doc": "kapot.pdf", "expected": "error", "priorities": [], "other_themes": []},
    ]), encoding="utf-8")
    items = pd.DataFrame({"source_file": ["a.pdf", "a.pdf", "kapot.pdf"], "level": ["prioriteit"] * 3,
                          "text": ["Ondermijning", "Verkeer", "Drugs"]})
    overall = score(items, load_gold(gold_path)).overall.set_index("level")
    assert overall.loc["prioriteit", "n_matched"] == 1
    assert overall.loc["prioriteit", "precision"] == pytest.approx(1 / 3)
    assert overall.loc["prioriteit", "recall"] == pytest.approx(1 / 2)


@pytest.mark.shared
def test_dev_plan_excerpts(shared_dir):
    """The real excerpts whose priorities are known: found with their exact wording."""
    gold, found = [], []
    for path in sorted((shared_dir / "dev" / "texts").glob("*.json")):
        plan = json.loads(path.read_text(encoding="utf-8"))
        if not plan["stated_priorities"]:
            continue
        doc = path.stem
        gold.append({"doc": f"{doc}.pdf", "priorities": plan["stated_priorities"], "other_themes": plan["other_themes"]})
        found.append(find(plan["text"], doc_id=doc))
    gold_items = pd.DataFrame([{"doc": g["doc"], "level": lvl, "text": t} for g in gold
                               for lvl, key in (("prioriteit", "priorities"), ("overig_thema", "other_themes"))
                               for t in g[key]])
    overall = score(pd.concat(found, ignore_index=True), gold_items).overall.set_index("level")
    assert len(gold) >= 9
    assert overall.loc["prioriteit", "f1"] >= 0.85
    assert overall.loc["overig_thema", "f1"] >= 0.85


def test_second_tier_named_before_the_words_that_give_it_attention():
    text = """6 Overige onderwerpen

Verder vragen fietsendiefstal, verkeersoverlast rond scholen en burenruzies blijvend aandacht binnen de reguliere werkzaamheden.

Ook woonoverlast en burenruzies hebben geen prioriteit, maar die pakken we op binnen de reguliere inzet.
"""
    assert texts(find(text), "overig_thema") == ["fietsendiefstal", "verkeersoverlast rond scholen", "burenruzies",
                                                 "woonoverlast en burenruzies"]


def test_an_actor_that_keeps_paying_attention_is_not_a_theme():
    text = """3 Veilige wijken

Ook de wijkagent blijft aandacht besteden aan jongeren die overlast veroorzaken.
Ook bewoners vragen aandacht voor hardrijders, maar daarvoor is het verkeersplan er.
"""
    assert find(text).empty


def test_last_part_of_an_enumeration_with_several_and_holds_two_paired_items():
    text = """4 Prioriteiten

Onze prioriteiten zijn drugsoverlast, fietsdiefstal en heling en brandveiligheid in de binnenstad.
"""
    assert texts(find(text)) == ["drugsoverlast", "fietsdiefstal en heling", "brandveiligheid in de binnenstad"]
    text = "De lokale prioriteiten zijn ondermijning, vandalisme en graffiti en drugs en alcohol.\n"
    assert texts(find(text)) == ["ondermijning", "vandalisme en graffiti", "drugs en alcohol"]


def test_item_with_its_own_sub_list_after_a_dash_is_not_split_at_its_commas():
    text = "Onze speerpunten voor de komende jaren zijn: ondermijning, fysieke veiligheid – brand, rampen en crises en jeugdoverlast.\n"
    assert texts(find(text)) == ["ondermijning", "fysieke veiligheid – brand, rampen en crises", "jeugdoverlast"]


def test_single_second_tier_theme_in_a_sentence_only_under_a_second_tier_heading():
    sentence = "Verder blijven wij aandacht houden voor het tegengaan van zwerfafval en een schone openbare ruimte.\n"
    assert texts(find("5 Reguliere werkzaamheden\n\n" + sentence), "overig_thema") == [
        "het tegengaan van zwerfafval", "een schone openbare ruimte"]
    assert texts(find("5 Overige thema's\n\nVerder blijven wij aandacht houden voor het tegengaan van zwerfafval.\n"),
                 "overig_thema") == ["het tegengaan van zwerfafval"]
    assert find("3 Schoon en heel\n\nVerder blijven wij aandacht houden voor het tegengaan van zwerfafval.\n").empty


def pdf_blocks(doc_id: str, lines: list[tuple[str, int, str]]) -> pd.DataFrame:
    """Blocks as a PDF extractor gives them: (kind, level, text) in reading order, one page."""
    return pd.DataFrame([{"doc_id": doc_id, "block_id": n, "page": 1, "kind": kind, "level": level, "text": text,
                          "x0": 0.0, "top": float(n), "x1": 1.0, "bottom": float(n) + 1, "ocr": False}
                         for n, (kind, level, text) in enumerate(lines)])


def test_sub_headings_read_as_paragraphs_under_a_second_tier_chapter():
    # the extractor lost the sub-headings' font: each is a short paragraph that opens a text
    blocks = pdf_blocks("plan", [
        ("heading", 1, "6 Andere belangrijke veiligheidsthema's"),
        ("paragraph", 0, "Onderstaande onderwerpen krijgen geen extra capaciteit, maar houden wel onze aandacht."),
        ("paragraph", 0, "Veilig uitgaan in het centrum"),
        ("paragraph", 0, "De horecaconvenant-partners en de gemeente overleggen elk kwartaal over incidenten rond de uitgaansavonden."),
        ("paragraph", 0, "Verkeersoverlast rond scholen"),
        ("paragraph", 0, "Samen met scholen en ouders pakken we onveilige situaties bij het halen en brengen aan."),
        ("paragraph", 0, "Tabel 3 Meldingen verkeersoverlast"),
        ("paragraph", 0, "In 2023 kwamen er 48 meldingen binnen, tegen 31 in het jaar daarvoor."),
        ("heading", 1, "7 Organisatie en financiën"),
        ("paragraph", 0, "Financiën"),
        ("paragraph", 0, "De regie ligt bij het team Openbare Orde en Veiligheid van de gemeente."),
    ])
    items = find_speerpunten(documents_for("plan"), blocks).items
    assert texts(items, "overig_thema") == ["Veilig uitgaan in het centrum", "Verkeersoverlast rond scholen"]
    assert texts(items) == []


def test_a_table_caption_is_not_a_sub_chapter():
    text = """4 Onze prioriteiten

4.1 Woonoverlast

Overlast van buren neemt toe.

4.2 Tabel 2 Meldingen per wijk

4.3 Jeugd

Jongerenwerk en politie trekken samen op.
"""
    assert texts(find(text)) == ["Woonoverlast", "Jeugd"]


def test_one_short_line_under_a_second_tier_chapter_is_not_enough():
    blocks = pdf_blocks("plan", [
        ("heading", 1, "6 Reguliere werkzaamheden"),
        ("paragraph", 0, "Voor alle andere veiligheidsthema geldt"),
        ("paragraph", 0, "dat de bestaande afspraken met partners doorlopen en dat we jaarlijks in de driehoek bekijken of bijsturing nodig is."),
    ])
    assert find_speerpunten(documents_for("plan"), blocks).items.empty


def test_a_theme_ending_in_a_frame_word_is_not_frame():
    text = """5 Strategische thema's

5.1 Een integere en weerbare organisatie

Medewerkers en bestuurders weten hoe ze met bedreiging en intimidatie omgaan.

5.2 Uitvoering en organisatie

De aanpak van deze thema's loopt via het jaarlijkse uitvoeringsprogramma.
"""
    assert texts(find(text), "overig_thema") == ["Een integere en weerbare organisatie"]


# -- the forms real plans use (made-up examples of each family) ------------------------------
def find_in_html(tmp_path, body: str) -> pd.DataFrame:
    from ivpcorpus.extract import extract_document

    path = tmp_path / "gemeenteblad.html"
    path.write_text(f"<html><head><title>Gemeenteblad</title></head><body>{body}</body></html>", encoding="utf-8")
    blocks = extract_document(path, "plan").blocks
    return find_speerpunten(documents_for("plan"), blocks).items


def test_official_publication_numbering_with_the_marker_on_its_own_line(tmp_path):
    body = """<h2>Hoofdstuk 3 Prioriteiten</h2>
<p>Voor de jaren 2025 tot en met 2028 stelt de raad de volgende prioriteiten vast:</p>
<p>1.</p><p>Door voorlichting en toezicht het aantal fietsdiefstallen verder terugdringen.</p>
<p>2.</p><p>Het tegengaan van drugshandel rond scholen en sportparken;</p>
<p>3.</p><p>De digitale weerbaarheid van ondernemers vergroten.</p>
<h2>Hoofdstuk 4 Uitvoering</h2><p>Het college werkt de prioriteiten jaarlijks uit in een uitvoeringsprogramma.</p>"""
    assert texts(find_in_html(tmp_path, body)) == [
        "Door voorlichting en toezicht het aantal fietsdiefstallen verder terugdringen",
        "Het tegengaan van drugshandel rond scholen en sportparken",
        "De digitale weerbaarheid van ondernemers vergroten"]


def test_numbered_cells_of_a_table_are_list_items(tmp_path):
    body = """<p>Onze speerpunten voor deze periode zijn:</p>
<table><tr><td>1.</td><td>Overlast van verwarde personen verminderen</td></tr>
<tr><td>2.</td><td>Ondermijnende criminaliteit in het buitengebied</td></tr>
<tr><td>3.</td><td>Veilig verkeer rond de kernen</td></tr></table>"""
    assert texts(find_in_html(tmp_path, body)) == ["Overlast van verwarde personen verminderen",
                                                   "Ondermijnende criminaliteit in het buitengebied",
                                                   "Veilig verkeer rond de kernen"]


def test_running_sentence_in_the_foreword_keeps_pairs_and_codebook_names_whole():
    text = """Voorwoord

Veiligheid maken we samen. De komende periode zetten we vooral in op ondermijning, zorg en veiligheid, polarisatie en radicalisering en digitale veiligheid.

1 Inleiding

Dit plan beschrijft de aanpak.
"""
    assert texts(find(text)) == ["ondermijning", "zorg en veiligheid", "polarisatie en radicalisering",
                                 "digitale veiligheid"]


def test_announcement_and_enumeration_in_two_sentences():
    for announcing, listing in [
        ("Voor de nieuwe periode kiezen we vier pijlers als prioriteit.",
         "Het gaat om woonoverlast, cybercrime, jeugdgroepen en veilig ondernemen."),
        ("In dit plan staan de thema's met prioriteit waar we ons op richten.",
         "Voor 2027-2030 zijn dat woonoverlast, cybercrime, jeugdgroepen en veilig ondernemen."),
    ]:
        text = f"2 Koers\n\nDe gemeente wil een veilige plek zijn. {announcing} {listing}\n"
        assert texts(find(text)) == ["woonoverlast", "cybercrime", "jeugdgroepen", "veilig ondernemen"], announcing


def test_a_run_in_numbered_list_inside_a_sentence():
    text = "Voor deze planperiode zijn drie prioriteiten vastgesteld. Dit zijn de onderwerpen: " \
           "1. woninginbraak 2. verkeersveiligheid rond scholen 3. arbeidsuitbuiting.\n"
    assert texts(find(text)) == ["woninginbraak", "verkeersveiligheid rond scholen", "arbeidsuitbuiting"]


def test_enumeration_named_before_the_words_that_make_it_the_priorities():
    text = "Het plan werkt zeven thema's uit, waarin veilige wijken, georganiseerde criminaliteit en " \
           "jeugdoverlast prioriteit hebben.\n"
    assert texts(find(text)) == ["veilige wijken", "georganiseerde criminaliteit", "jeugdoverlast"]


def test_the_plans_own_list_wins_over_the_regional_and_previous_lists():
    text = """1 Inleiding

Het regionaal beleidsplan van de politie-eenheid noemt als prioriteiten:
• Mensenhandel
• Cybercrime
• Overvallen

In het vorige plan waren de speerpunten:
• Woninginbraak
• Fietsdiefstal

2 Lokale keuzes

Op basis van het veiligheidsbeeld kiest de gemeente de volgende lokale prioriteiten:
• Drugsoverlast in de wijken
• Veilig uitgaan
• Personen met onbegrepen gedrag

Wat gaan we doen?
• Extra toezicht in het weekend
• Een meldpunt voor bewoners
"""
    items = find(text)
    assert texts(items) == ["Drugsoverlast in de wijken", "Veilig uitgaan", "Personen met onbegrepen gedrag"]
    assert texts(items, "overig_thema") == []


def test_priority_chapters_with_long_titles_and_their_table_of_contents():
    text = """Inhoud
1 Inleiding 3
2 Prioriteit 1: Een gezamenlijke aanpak van ondermijnende criminaliteit in stad en buitengebied 5
3 Prioriteit 2: Jongeren die overlast veroorzaken of in de criminaliteit dreigen te raken 9
4 Financien 12

1 Inleiding

Dit plan volgt het vorige plan op.

2 Prioriteit 1: Een gezamenlijke aanpak van ondermijnende criminaliteit in stad en buitengebied

Criminelen misbruiken loodsen en vakantieparken.

3 Prioriteit 2: Jongeren die overlast veroorzaken of in de criminaliteit dreigen te raken

Het aantal meldingen nam toe.
"""
    items = find(text)
    assert len(texts(items)) == 2
    assert texts(items)[0].startswith("Een gezamenlijke aanpak van ondermijnende criminaliteit")
    assert "kop" in items["evidence"].iloc[0]  # the body's heading, not the table of contents


def test_besides_the_regular_work_the_list_is_the_priorities():
    text = "Naast de reguliere werkzaamheden zijn er de komende jaren drie speerpunten:\n" \
           "• Ondermijning\n• Verkeersveiligheid\n• Jeugdoverlast\n"
    assert texts(find(text)) == ["Ondermijning", "Verkeersveiligheid", "Jeugdoverlast"]


UNCLEAR = """2 Aandachtspunten

Er zijn verschillende aandachtspunten voor de gemeente:
• Het winkelcentrum na sluitingstijd
• De route van het station naar het centrum
"""


def test_a_weakly_announced_list_counts_but_its_plan_is_onzeker():
    from ivpcorpus.speerpunten import Finder
    from ivpcorpus.speerpunten.decide import SURE_SCORE
    from ivpcorpus.speerpunten.scoring import load_scorer

    lenient = copy.deepcopy(load_scorer())  # the shipped scorer is shared: never change it
    lenient.thresholds_ = {**lenient.thresholds_, "prioriteit": 0.1}
    result = find_speerpunten(documents_for("plan"), blocks_from_text("plan", UNCLEAR), Finder(scorer=lenient))
    finding = result.findings.iloc[0]
    assert len(result.items) == 2 and (result.items["confidence"] < SURE_SCORE).all()
    assert finding["status"] == "onzeker" and "controleren" in finding["finding"]


def test_a_plan_without_a_list_above_the_threshold_is_onzeker_with_its_best_candidates_for_review():
    from ivpcorpus.speerpunten import Finder
    from ivpcorpus.speerpunten.scoring import load_scorer

    strict = copy.deepcopy(load_scorer())
    strict.thresholds_ = {**strict.thresholds_, "prioriteit": 0.9}
    result = find_speerpunten(documents_for("plan"), blocks_from_text("plan", UNCLEAR), Finder(scorer=strict))
    finding = result.findings.iloc[0]
    assert result.items.empty  # no silent guess in the figures ...
    assert finding["status"] == "onzeker" and "reviewblad" in finding["finding"]  # ... and no silent zero
    assert result.to_review["text"].tolist() == ["Het winkelcentrum na sluitingstijd",
                                                 "De route van het station naar het centrum"]
    assert (result.to_review["score"] < 0.9).all()


def test_a_document_that_makes_the_finder_fail_is_an_error_row_and_the_others_go_on(monkeypatch):
    from ivpcorpus import speerpunten

    original = speerpunten.Finder.find

    def failing(self, blocks):
        if len(blocks) and blocks["doc_id"].iloc[0] == "bad":
            raise ValueError("kapotte blokken")
        return original(self, blocks)

    monkeypatch.setattr(speerpunten.Finder, "find", failing)
    text = "Onze speerpunten zijn:\n• Ondermijning\n• Cybercrime\n"
    blocks = pd.concat([blocks_from_text("bad", text), blocks_from_text("good", text)], ignore_index=True)
    result = find_speerpunten(documents_for("bad", "good"), blocks)
    findings = result.findings.set_index("doc_id")
    assert findings.loc["bad", "status"] == "fout" and "kapotte blokken" in findings.loc["bad", "finding"]
    assert findings.loc["good", "status"] == "gevonden"
    assert set(result.items["doc_id"]) == {"good"}


def find_in_pdf(tmp_path, pages: list[list[tuple[int, str]]]) -> pd.DataFrame:
    """A PDF (Helvetica 10 pt, 14 pt leading; a 16 pt heading for lines starting with '#') with
    the given (x, text) lines per page, read by the extractor and the finder."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ivpcorpus.extract import extract_document

    path = tmp_path / "plan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        y = 780
        for x, text in lines:
            heading = text.startswith("#")
            c.setFont("Helvetica-Bold" if heading else "Helvetica", 16 if heading else 10)
            c.drawString(x, y, text.lstrip("# "))
            y -= 28 if heading else 14
        c.showPage()
    c.save()
    return find_speerpunten(documents_for("plan"), extract_document(path, "plan").blocks).items


def test_an_inline_enumeration_that_the_pdf_wrapped_at_its_numbers(tmp_path):
    items = find_in_pdf(tmp_path, [[
        (72, "# 3 Keuzes voor de komende jaren"),
        (72, "De raad heeft na de veiligheidsanalyse voor deze periode vier prioriteiten vastgesteld. Dit zijn:"),
        (72, "1. fietsdiefstal en heling 2. overlast door personen met verward gedrag"),
        (72, "3. weerbaarheid van ondernemers 4. veilig uitgaan in het centrum. Elk jaar kiest de raad"),
        (72, "daarnaast een extra onderwerp voor dat jaar."),
    ]])
    assert texts(items) == ["fietsdiefstal en heling", "overlast door personen met verward gedrag",
                            "weerbaarheid van ondernemers", "veilig uitgaan in het centrum"]


def test_a_sentence_of_priorities_cut_by_a_page_break(tmp_path):
    items = find_in_pdf(tmp_path, [
        [(72, "# 1 Voorwoord"),
         (72, "Veiligheid maken we samen. De komende vier jaar richten wij ons vooral op woninginbraken,"),
         ],
        [(72, "drugshandel in het buitengebied en de veiligheid van kwetsbare ouderen. Daarover leest u meer in"),
         (72, "de volgende hoofdstukken."),
         (72, "# 2 Werkwijze"),
         (72, "De gemeente werkt samen met de politie en het Openbaar Ministerie in de driehoek."),
         ]])
    assert texts(items) == ["woninginbraken", "drugshandel in het buitengebied", "de veiligheid van kwetsbare ouderen"]


def test_one_or_two_priorities_in_a_sentence_with_a_strong_cue():
    assert texts(find("""1 Inleiding

Het college wil de wijken leefbaarder maken. Daarom komt er de komende jaren meer aandacht voor de aanpak van drugsoverlast en het terugdringen van fietsdiefstal. Dat staat in het nieuwe plan.
""")) == ["de aanpak van drugsoverlast", "het terugdringen van fietsdiefstal"]
    assert texts(find("""1 Inleiding

Samen met de partners in de driehoek ligt onze focus voor de komende vier jaar op ondermijnende criminaliteit. Daarnaast is er ruimte voor lokale accenten.
""")) == ["ondermijnende criminaliteit"]


def test_the_laws_duty_and_a_relative_clause_are_not_a_choice():
    assert texts(find("""1 Aanleiding

Op grond van de Politiewet stelt de raad eens in de vier jaar de doelen en prioriteiten vast voor de handhaving van de openbare orde en de hulpverlening.
In deel twee staan de prioriteiten waar we met de buurgemeenten op samenwerken.
""")) == []


def test_a_table_of_contents_with_spaced_dot_leaders_is_structure_not_a_list(tmp_path):
    entries = ["1 Inleiding", "2 Veiligheidsanalyse", "2.1 Woninginbraken", "2.2 Verkeersveiligheid", "2.3 Jeugd",
               "3 Prioriteiten", "3.1 Ondermijning", "3.2 Zorg en veiligheid", "3.3 Jeugdoverlast", "4 Uitvoering"]
    toc = [(72, "# Inhoud")] + [(72, f"{e} " + ". " * (40 - len(e)) + str(3 + n)) for n, e in enumerate(entries)]
    body = [(72, "# 1 Inleiding"),
            (72, "Dit plan beschrijft hoe de gemeente werkt aan veiligheid. Wij kiezen voor drie prioriteiten:"),
            (72, "ondermijning, zorg en veiligheid en jeugdoverlast."),
            (72, "# 4 Uitvoering"),
            (72, "Het college stelt elk jaar een uitvoeringsprogramma vast.")]
    # the sentence and the table of contents name the same three (either wording may win)
    assert [t.lower() for t in texts(find_in_pdf(tmp_path, [toc, body]))] == ["ondermijning", "zorg en veiligheid", "jeugdoverlast"]
    from ivpcorpus.extract import extract_document
    from ivpcorpus.speerpunten.units import units_of

    marked = [(u.text, u.toc_page) for u in units_of(extract_document(tmp_path / "plan.pdf", "plan").blocks) if u.kind == "toc"]
    assert marked == [(e.split(" ", 1)[1], 3 + n) for n, e in enumerate(entries)]


def test_an_enumeration_continued_in_the_next_sentence():
    assert texts(find("""1 Nieuws

Het nieuwe plan zet de komende jaren extra in op veilig verkeer rond scholen. Maar ook op woninginbraken, drugsoverlast en digitale criminaliteit. De raad besluit in december.
""")) == ["veilig verkeer rond scholen", "woninginbraken", "drugsoverlast", "digitale criminaliteit"]


def test_numbers_left_over_from_a_numbering_are_not_items():
    assert texts(find("""3 Prioriteiten

De prioriteiten voor deze periode zijn 2.1, 3.1 en 4.2.
""")) == []



# Bulleted lists that nothing announces: a plan describes its field, its tasks or its partners in
# such lists long before (or without) choosing priorities.
UNANNOUNCED_LISTS = {
    "themes_described": """1 Inleiding

Integrale veiligheid is een breed begrip. Het gaat om alles wat inwoners en ondernemers raakt in hun veiligheid.

• Veilige woon- en leefomgeving
• Jeugd en veiligheid
• Fysieke veiligheid
• Ondermijning

Dit plan is in nauwe samenwerking met de partners opgesteld.
""",
    "tasks": """2 Rol van de gemeente

De gemeente heeft een regierol bij de aanpak van overlast en criminaliteit.

• Toezicht en handhaving in de openbare ruimte
• Aanpak van woonoverlast en burenruzies
• Cameratoezicht in het centrum
• Preventie van woninginbraken
""",
    "partners": """1 Inleiding

Dit plan is opgesteld samen met onze partners in de veiligheidsketen.

• De politie en het Openbaar Ministerie
• De veiligheidsregio en de brandweer
• Woningcorporaties en welzijnswerk
• Bureau Halt en jongerenwerk
""",
}


@pytest.mark.parametrize("name", sorted(UNANNOUNCED_LISTS))
def test_an_unannounced_list_is_never_the_priorities_on_its_own_but_goes_to_review(name):
    text = UNANNOUNCED_LISTS[name]
    result = find_speerpunten(documents_for("plan"), blocks_from_text("plan", text))
    finding = result.findings.iloc[0]
    assert result.items.empty
    assert finding["status"] == "onzeker" and "zonder aankondiging" in finding["finding"]
    bullets = [line[2:] for line in text.splitlines() if line.startswith("• ")]
    assert result.to_review["text"].tolist() == bullets


def test_an_unannounced_list_counts_with_priority_words_above_or_before_it():
    under_heading = """3 Onze speerpunten

3.1 Overzicht

• Ondermijning
• Jeugd en veiligheid
• Veilige woon- en leefomgeving
"""
    # the sentence that names the priorities is the region's, the list follows without a colon
    after_paragraph = """Veiligheid in de regio

De burgemeesters van de eenheid en het Openbaar Ministerie hebben samen gekozen aan welke prioriteiten zij de komende vier jaar werken. Wij sluiten daarbij aan

• Ondermijning en georganiseerde criminaliteit
• Cybercrime
• Zorg en veiligheid
"""
    assert texts(find(under_heading)) == ["Ondermijning", "Jeugd en veiligheid", "Veilige woon- en leefomgeving"]
    assert texts(find(after_paragraph)) == ["Ondermijning en georganiseerde criminaliteit", "Cybercrime",
                                            "Zorg en veiligheid"]


def test_priority_words_near_an_unannounced_list_of_partners_do_not_make_it_the_priorities():
    text = """2 Totstandkoming van de prioriteiten

Bij het bepalen van de prioriteiten hebben veel organisaties meegedacht

• De politie en het Openbaar Ministerie
• Woningcorporaties en welzijnswerk
• Ondernemersvereniging en scholen
"""
    result = find_speerpunten(documents_for("plan"), blocks_from_text("plan", text))
    assert result.items.empty and result.findings.iloc[0]["status"] in ("onzeker", "geen")


def test_the_dev_report_counts_documents_without_priorities_that_get_some():
    from ivpcorpus.evaluate_speerpunten import report_without_priorities, without_priorities

    gold = pd.DataFrame([
        {"doc": "a.html", "level": "prioriteit", "text": "Ondermijning", "split": "tune", "source": "texts"},
        {"doc": "b.html", "level": None, "text": None, "split": "tune", "source": "texts"},
        {"doc": "c.html", "level": None, "text": None, "split": "tune", "source": "texts"},
        {"doc": "d.pdf", "level": None, "text": None, "split": "check", "source": "texts-pdf"},
    ])
    items = pd.DataFrame([{"source_file": "a.html", "level": "prioriteit", "text": "Ondermijning"},
                          {"source_file": "c.html", "level": "prioriteit", "text": "Cameratoezicht"},
                          {"source_file": "d.pdf", "level": "overig_thema", "text": "Evenementen"}])
    table = without_priorities(items, gold).set_index(["split", "source"])
    assert table.loc[("tune", "texts"), ["documents", "with_items"]].tolist() == [2, 1]
    assert table.loc[("check", "texts-pdf"), "with_items"] == 0  # a second-tier item is not a priority
    assert "1 van 2 (c.html)" in report_without_priorities(without_priorities(items, gold))


def test_a_table_of_contents_entry_wrapped_onto_a_second_line_is_one_entry(tmp_path):
    toc = [(72, "# Inhoud"), (72, "1. Inleiding 2"), (72, "2. Uitgangssituatie 3"),
           (72, "3. Prioriteiten 5"), (90, "3.1 Woninginbraken en fietsdiefstal 5"), (90, "3.2 Drugsoverlast 6"),
           (72, "4. Overige thema's 7"), (90, "4.1 Veilig uitgaan 7"),
           (90, "4.2 Evenementen, crisisbeheersing en de samenwerking met de"), (90, "veiligheidsregio 8"),
           (72, "5. Financiën 9")]
    body = [(72, "# 1 Inleiding"), (72, "Dit plan beschrijft hoe de gemeente de komende vier jaar aan veiligheid werkt.")]
    items = find_in_pdf(tmp_path, [toc, body])
    assert sorted(texts(items)) == ["Drugsoverlast", "Woninginbraken en fietsdiefstal"]
    assert texts(items, "overig_thema") == ["Veilig uitgaan",
                                            "Evenementen, crisisbeheersing en de samenwerking met de veiligheidsregio"]


ADDED_AFTER_THE_LIST = """2 Onze keuzes

Voor deze periode heeft de raad de volgende prioriteiten vastgesteld:
• Woninginbraken
• Drugsoverlast in het centrum
• Veilig verkeer rond scholen

{sentence} Over de uitvoering rapporteert de burgemeester elk jaar aan de raad.
"""


def test_an_enumeration_that_adds_attention_after_the_chosen_list_is_the_second_tier():
    items = find(ADDED_AFTER_THE_LIST.format(
        sentence="Daarnaast is er extra aandacht voor fietsdiefstal, huiselijk geweld en de veiligheid van ouderen."))
    assert texts(items) == ["Woninginbraken", "Drugsoverlast in het centrum", "Veilig verkeer rond scholen"]
    assert texts(items, "overig_thema") == ["fietsdiefstal", "huiselijk geweld", "de veiligheid van ouderen"]


def test_an_addition_that_calls_itself_a_priority_is_not_the_second_tier():
    items = find(ADDED_AFTER_THE_LIST.format(
        sentence="Daarnaast gaat extra aandacht naar twee nieuwe speerpunten: fietsdiefstal en huiselijk geweld."))
    assert texts(items, "overig_thema") == []
    assert texts(items)[:3] == ["Woninginbraken", "Drugsoverlast in het centrum", "Veilig verkeer rond scholen"]


def test_reviewed_speerpunten_become_labelled_candidate_lists_for_the_scorer(tmp_path):
    import importlib.util
    from pathlib import Path

    from ivpcorpus.review import speerpunt_corrections_path
    from ivpcorpus.speerpunten.corrections import SPEERPUNT_CORRECTION_COLUMNS
    from ivpcorpus.store import Store, atomic_write_csv

    plans = {"kept": "Onze speerpunten zijn:\n• Woninginbraken\n• Drugsoverlast\n",
             "emptied": "Onze speerpunten zijn:\n• Het nieuwe gemeentehuis\n• De begroting van volgend jaar\n",
             "untouched": "Onze speerpunten zijn:\n• Cybercrime\n• Veilig uitgaan\n"}
    documents = documents_for(*plans)
    blocks = pd.concat([blocks_from_text(d, t) for d, t in plans.items()], ignore_index=True)
    found = find_speerpunten(documents, blocks).items
    ids = found.set_index("text")["item_id"]
    out = tmp_path / "run"
    for name, table in (("documents", documents), ("blocks", blocks), ("speerpunten", found)):
        Store(out).write(name, table)

    def decision(doc, action, text, item=None):
        return {"doc_id": doc, "action": action, "item_id": item or item_id(doc, "prioriteit", text),
                "level": "prioriteit", "text": text, "page": "1", "reviewer": "r", "reviewed_at": "2026-01-01T00:00:00",
                "note": "", "source_file": "blad.xlsx"}

    history = pd.DataFrame([decision("kept", "verwijderen", "Drugsoverlast", ids["Drugsoverlast"]),
                            decision("kept", "toevoegen", "Jeugdoverlast"),
                            decision("emptied", "verwijderen", "Het nieuwe gemeentehuis", ids["Het nieuwe gemeentehuis"]),
                            decision("emptied", "verwijderen", "De begroting van volgend jaar",
                                     ids["De begroting van volgend jaar"])], columns=SPEERPUNT_CORRECTION_COLUMNS)
    speerpunt_corrections_path(out).parent.mkdir(parents=True)
    atomic_write_csv(speerpunt_corrections_path(out), history)

    script = Path(__file__).resolve().parents[1] / "training" / "speerpunten" / "train_scorer.py"
    spec = importlib.util.spec_from_file_location("train_scorer", script)
    train_scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_scorer)
    gold, docs, review_blocks = train_scorer.review_material([out], set())
    stated = {doc: sorted(part["text"].dropna()) for doc, part in gold.groupby("doc")}
    assert stated == {"review/run/kept.pdf": ["Jeugdoverlast", "Woninginbraken"], "review/run/emptied.pdf": []}
    assert set(gold["split"]) == {"review"} and set(docs["doc_id"]) == {"kept", "emptied"}
    rows, _ = train_scorer.list_rows(gold, docs, review_blocks)
    labels = {row["doc"]: row["label"] for row in rows if row["form_list"]}
    assert labels == {"review/run/kept.pdf": 1, "review/run/emptied.pdf": 0}  # the emptied plan's list: a negative
    # a reviewed file that is itself a dev file is labelled by the dev gold only
    gold, docs, _ = train_scorer.review_material([out], {"emptied"})
    assert set(docs["doc_id"]) == {"kept"} and set(gold["doc"]) == {"review/run/kept.pdf"}


def test_an_item_phrased_as_a_clause_before_the_last_item_keeps_its_verb():
    # "weerbaar zijn ..." is an item: the 'en' of the last item only comes after its verb
    assert texts(find("""1 Inleiding

De gemeente kiest voor de volgende speerpunten: veilig uitgaan (horeca, evenementen), veilig verkeer (scholen, fietsers), weerbaar zijn tegen ondermijning (vastgoed, loodsen) en digitaal veilig (oplichting, hacken). Het plan loopt vier jaar.
""")) == ["veilig uitgaan", "veilig verkeer", "weerbaar zijn tegen ondermijning", "digitaal veilig"]
    # a clause after the last item is still cut, also when it holds an 'en' of its own
    assert texts(find("""1 Inleiding

Onze speerpunten zijn: fietsdiefstal, drugsoverlast en woninginbraken worden samen met politie en OM aangepakt.
""")) == ["fietsdiefstal", "drugsoverlast", "woninginbraken"]


def test_veld_shares_compare_found_and_stated_priorities_under_one_labelling():
    from ivpcorpus.codebook import load_codebook
    from ivpcorpus.evaluate_speerpunten import veld_shares
    from ivpcorpus.speerpunten import PRIORITEIT

    codebook = load_codebook()
    gold = pd.DataFrame({"doc": ["a.html"] * 4, "level": PRIORITEIT, "split": "check",
                         "text": ["Ondermijning", "Woninginbraken", "Jeugdoverlast", "Cybercrime"]})
    # the finder missed one item and added an action that is no priority
    items = pd.DataFrame({"source_file": ["a.html"] * 4, "level": PRIORITEIT,
                          "text": ["Ondermijning", "Woninginbraken", "Jeugdoverlast", "Meer camera's"]})
    themes = {"Ondermijning": "ondermijning", "Woninginbraken": "veelvoorkomende_criminaliteit",
              "Jeugdoverlast": "jeugdoverlast_jeugdcriminaliteit", "Cybercrime": "gedigitaliseerde_criminaliteit",
              "Meer camera's": "veelvoorkomende_criminaliteit"}
    table = veld_shares(items, gold, lambda texts: [themes[t] for t in texts], codebook).set_index("veld")
    assert table["found"].sum() == pytest.approx(1.0) and table["gold"].sum() == pytest.approx(1.0)
    assert table["difference_pp"].sum() == pytest.approx(0.0)
    hic = codebook.veld_of("veelvoorkomende_criminaliteit")
    assert table.at[hic, "found"] == pytest.approx(0.5) and table.at[hic, "gold"] == pytest.approx(0.25)
    assert table.at[hic, "difference_pp"] == pytest.approx(25.0)


PARAGRAPH_ITEMS = """
We gaan woninginbraken en fietsdiefstal verder terugdringen.

We pakken ondermijnende criminaliteit in het buitengebied aan.

Jongeren die overlast veroorzaken krijgen eerder hulp.

Het aantal verkeersongevallen rond scholen moet omlaag.

3 Uitvoering

De uitvoering volgt in jaarplannen. Hierin staan de acties die we met partners uitvoeren.
"""


def test_an_announced_list_whose_bullets_were_lost_is_its_short_paragraphs():
    text = ("2 Onze koers\n\nNa gesprekken met inwoners en partners heeft de raad gekozen. "
            "Dit zijn onze prioriteiten voor de komende vier jaar:\n" + PARAGRAPH_ITEMS)
    assert texts(find(text)) == ["We gaan woninginbraken en fietsdiefstal verder terugdringen",
                                 "We pakken ondermijnende criminaliteit in het buitengebied aan",
                                 "Jongeren die overlast veroorzaken krijgen eerder hulp",
                                 "Het aantal verkeersongevallen rond scholen moet omlaag"]


def test_prose_after_a_list_of_paragraphs_is_not_one_of_its_items():
    text = ("2 Koers\n\nDit zijn onze prioriteiten:\n\nWoninginbraken terugdringen.\n\n"
            "Ondermijning in het buitengebied aanpakken.\n\nJongeren eerder helpen.\n\n"
            "Hieronder lichten we deze keuzes toe.\n\nDie toelichting staat per prioriteit in hoofdstuk 4.\n")
    assert texts(find(text)) == ["Woninginbraken terugdringen", "Ondermijning in het buitengebied aanpakken",
                                 "Jongeren eerder helpen"]


def test_a_sentence_that_states_the_priorities_after_a_colon_is_not_a_list_of_paragraphs():
    text = ("2 Koers\n\nDit zijn onze prioriteiten:\n\n"
            "Onze speerpunten zijn ondermijning, woninginbraken en jeugdoverlast.\n\n"
            "Daarnaast blijven we werken aan verkeersveiligheid.\n")
    assert texts(find(text)) == ["ondermijning", "woninginbraken", "jeugdoverlast"]


def test_short_paragraphs_after_a_colon_without_a_priority_cue_are_prose():
    text = "2 Terugblik\n\nIn de afgelopen jaren is het volgende bereikt:\n" + PARAGRAPH_ITEMS
    assert texts(find(text)) == []


def test_an_enumeration_inside_one_item_of_the_list_is_that_items_content():
    text = """2 Prioriteiten

De raad heeft de prioriteiten voor deze periode vastgesteld. Het gaat om de volgende onderwerpen:

Een veilige en schone openbare ruimte in alle wijken.

De focus ligt op drugshandel, witwassen en vastgoedfraude.

Een sluitende aanpak voor inwoners met verward gedrag.

3 Uitvoering

De uitvoering volgt in jaarplannen.
"""
    assert texts(find(text)) == ["Een veilige en schone openbare ruimte in alle wijken",
                                 "De focus ligt op drugshandel, witwassen en vastgoedfraude",
                                 "Een sluitende aanpak voor inwoners met verward gedrag"]


def test_an_item_led_by_an_article_starts_at_the_en_before_it():
    text = "Onze prioriteiten zijn ondermijning, een veilige wijk en een schone openbare ruimte en de aanpak van jeugdoverlast.\n"
    assert texts(find(text)) == ["ondermijning", "een veilige wijk", "een schone openbare ruimte",
                                 "de aanpak van jeugdoverlast"]


def test_a_codebook_name_holds_its_en_only_when_the_whole_name_is_there():
    text = "De speerpunten zijn woonoverlast, digitale criminaliteit en high impact crime.\n"
    assert texts(find(text)) == ["woonoverlast", "digitale criminaliteit", "high impact crime"]
    whole = "De speerpunten zijn woonoverlast, veelvoorkomende criminaliteit en high impact crimes.\n"
    assert texts(find(whole)) == ["woonoverlast", "veelvoorkomende criminaliteit en high impact crimes"]
