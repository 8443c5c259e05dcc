"""ivpcorpus.nlp: the shipped Dutch pipeline, its domain lemma exceptions and lemmatize().

The sentences are copied verbatim from real plans in ../shared/dev/texts (file name in the
comment); the test that re-reads those files skips when ../shared is absent.
No timing assertions here: speed is measured by `make bench-nlp` (training/nlp/evaluate.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ivpcorpus import nlp as ivpnlp

SENTENCES = {
    # kampen_2012-2014.json
    "woninginbraken": "Er is een toename zichtbaar van het aantal woninginbraken.",
    # hulst_2018-2022.json
    "verward": "We zetten extra in op; personen met verward gedrag, drugsoverlast, ondermijnende en "
               "georganiseerde criminaliteit en jeugdoverlast en -criminaliteit.",
    # opmeer_2023-2026.json
    "ondermijnende": "Daarnaast tasten veiligheidsvraagstukken, die vallen onder de thema’s ondermijnende "
                     "criminaliteit en jeugd en veiligheid de leefbaarheid aan.",
    # heemskerk_2021-2024.json
    "jongeren": "We staan hierdoor op een positieve manier goed in contact met de jongeren in Heemskerk.",
    # opmeer_2023-2026.json
    "gedigitaliseerde": "Cybercrime en de aanpak van gedigitaliseerde criminaliteit heeft prioriteit in het "
                        "Integraal Meerjarenbeleidsplan Noord-Holland Samen Veilig.",
    # opmeer_2023-2026.json
    "meldingen": "Het is hierbij van belang dat de gemeente op basis van de signalen en meldingen van "
                 "inwoners een inschatting maakt welke (vervolg)hulp nodig is en hiernaar handelt en "
                 "opschaalt indien nodig (escalatieladder).",
    # ameland_2025-2028.json
    "prioriteiten": "In dit IVP zetten we als gemeente Ameland onze prioriteiten en ambities op het gebied "
                    "van veiligheid uiteen voor de komende vier jaar (2025-2028).",
    # urk_2018-2019.json
    "verwarde": "Door ontwikkelingen ten aanzien van bijvoorbeeld huisvesting asielzoekers, verwarde "
                "personen en terrorisme komen steeds meer veiligheidszaken bij de burgemeester te liggen.",
    # opmeer_2023-2026.json
    "inbraken": "Tevens hebben criminele activiteiten, zoals inbraken en overvallen, veel impact op de "
                "samenleving.",
}
SOURCES = {
    "woninginbraken": "kampen_2012-2014.json", "verward": "hulst_2018-2022.json",
    "ondermijnende": "opmeer_2023-2026.json", "jongeren": "heemskerk_2021-2024.json",
    "gedigitaliseerde": "opmeer_2023-2026.json", "meldingen": "opmeer_2023-2026.json",
    "prioriteiten": "ameland_2025-2028.json", "verwarde": "urk_2018-2019.json",
    "inbraken": "opmeer_2023-2026.json",
}
EXPECTED = [
    ("woninginbraken", "woninginbraken", "woninginbraak"),
    ("verward", "verward", "verward"),
    ("verward", "ondermijnende", "ondermijnend"),
    ("verward", "georganiseerde", "georganiseerd"),
    ("verward", "drugsoverlast", "drugsoverlast"),
    ("verward", "personen", "persoon"),
    ("ondermijnende", "ondermijnende", "ondermijnend"),
    ("ondermijnende", "veiligheidsvraagstukken", "veiligheidsvraagstuk"),
    ("jongeren", "jongeren", "jongere"),
    ("gedigitaliseerde", "gedigitaliseerde", "gedigitaliseerd"),
    ("meldingen", "meldingen", "melding"),
    ("meldingen", "signalen", "signaal"),
    ("meldingen", "inwoners", "inwoner"),
    ("prioriteiten", "prioriteiten", "prioriteit"),
    ("prioriteiten", "ambities", "ambitie"),
    ("verwarde", "verwarde", "verward"),
    ("verwarde", "veiligheidszaken", "veiligheidszaak"),
    ("inbraken", "inbraken", "inbraak"),
    ("inbraken", "activiteiten", "activiteit"),
]


@pytest.fixture(scope="module")
def nlp():
    return ivpnlp.load()


def test_shipped_model_is_complete_and_small():
    model = ivpnlp.MODEL_DIR
    for name in ("config.cfg", "meta.json", "LICENSE", "MODEL_CARD.md"):
        assert (model / name).is_file(), name
    size = sum(p.stat().st_size for p in model.rglob("*") if p.is_file())
    assert size < 20_000_000
    assert "CC BY-SA 4.0" in (model / "LICENSE").read_text(encoding="utf8")


def test_load_returns_pipeline_with_lemmatizer_and_sentences(nlp):
    assert any(name in nlp.pipe_names for name in ("trainable_lemmatizer", "lemmatizer"))
    assert "ivp_lemma_exceptions" in nlp.pipe_names
    doc = nlp(SENTENCES["woninginbraken"] + " " + SENTENCES["jongeren"])
    assert doc.has_annotation("SENT_START")
    sents = list(doc.sents)
    assert len(sents) == 2
    assert sents[1].text.startswith("We staan")
    assert all(tok.lemma_ for tok in doc)
    assert {tok.pos_ for tok in doc} >= {"NOUN", "VERB", "DET", "PUNCT"}


def test_load_is_cached_per_disable_set(nlp):
    assert ivpnlp.load() is nlp
    assert ivpnlp.load(disable=["parser"]) is ivpnlp.load(disable=("parser",))
    assert ivpnlp.load(disable=["parser"]) is not nlp


def test_disable_switches_components_off(nlp):
    light = ivpnlp.load(disable=("parser", "no_such_component"))
    assert "parser" not in light.pipe_names
    assert "parser" in nlp.pipe_names  # the cached full pipeline is untouched
    doc = light(SENTENCES["meldingen"])
    assert not doc.has_annotation("DEP")
    assert [t.lemma_ for t in doc if t.text == "meldingen"] == ["melding"]


@pytest.mark.parametrize(("key", "word", "lemma"), EXPECTED)
def test_domain_lemmas_in_real_sentences(nlp, key, word, lemma):
    doc = nlp(SENTENCES[key])
    lemmas = [tok.lemma_.lower() for tok in doc if tok.text.lower() == word]
    assert lemmas, f"{word!r} not tokenised as a word in {SENTENCES[key]!r}"
    assert lemmas == [lemma] * len(lemmas)


@pytest.mark.parametrize(("plural", "singular", "lemma"), [
    ("De woninginbraken nemen toe.", "Een woninginbraak heeft veel impact.", "woninginbraak"),
    ("De jongeren hangen rond bij de school.", "Een jongere hangt rond bij de school.", "jongere"),
    ("Er kwamen veel meldingen binnen.", "Er kwam een melding binnen.", "melding"),
    ("Wij kiezen drie prioriteiten.", "Wij kiezen een prioriteit.", "prioriteit"),
    ("De inwoners voelen zich veilig.", "De inwoner voelt zich veilig.", "inwoner"),
    ("De wijken zijn schoon.", "De wijk is schoon.", "wijk"),
    ("De inbraken in de wijk nemen af.", "De inbraak in de wijk werd opgelost.", "inbraak"),
])
def test_lemmatize_matches_singular_and_plural(plural, singular, lemma):
    out = ivpnlp.lemmatize([plural, singular])
    assert len(out) == 2
    assert lemma in out[0] and lemma in out[1]


def test_lemmatize_returns_lowercased_content_lemmas_only():
    out = ivpnlp.lemmatize(iter([SENTENCES["woninginbraken"], "", SENTENCES["meldingen"]]), batch_size=2)
    assert len(out) == 3 and out[1] == []
    assert "woninginbraak" in out[0]
    assert all(lem == lem.lower() for lem in out[0] + out[2])
    assert not {"de", "het", "een", "van", "en", ".", "("} & set(out[0] + out[2])
    assert {"melding", "inwoner", "signaal"} <= set(out[2])


@pytest.mark.shared
def test_sentences_are_verbatim_from_shared_texts():
    texts = Path(__file__).resolve().parents[1].parent / "shared" / "dev" / "texts"
    if not texts.is_dir():
        pytest.skip("../shared/dev/texts is not available")
    for key, sentence in SENTENCES.items():
        raw = json.loads((texts / SOURCES[key]).read_text(encoding="utf8"))["text"]
        assert sentence in re.sub(r"\s+", " ", raw), key


def test_lemma_fallback_replaces_edit_trees_applied_to_the_wrong_word_shape():
    """Unknown predicted lemmas: the lookup table first, then the prediction only when it is
    an unseen compound of a known head or an inflected adjective, else the surface form."""
    from spacy.lang.nl import Dutch
    from spacy.tokens import Doc

    blank = Dutch()
    fallback = ivpnlp.LemmaFallback(blank, "fallback")
    fallback.initialize(table={"gesignaleerd": "signaleren", "velden": "veld"},
                        extra_lemmas=["veld", "richten", "signaleren"])
    cases = [  # form, pos, predicted lemma, expected lemma
        ("gesignaleerd", "VERB", "signaleeren", "signaleren"),        # lookup table entry
        ("gebiedsgericht", "VERB", "biedsgerichten", "gebiedsgericht"),  # participle rule on an adverb
        ("witwassen", "NOUN", "witwass", "witwassen"),
        ("veiligheidsvelden", "NOUN", "veiligheidsveld", "veiligheidsveld"),  # compound, known head
        ("Peruaanse", "ADJ", "Peruaans", "Peruaans"),                   # adjective inflection
        ("richten", "VERB", "richten", "richten"),                      # known lemma untouched
        ("halt", "AUX", "haltn", "haltn"),                              # closed classes are left alone
    ]
    doc = Doc(blank.vocab, words=[c[0] for c in cases], pos=[c[1] for c in cases], lemmas=[c[2] for c in cases])
    assert [tok.lemma_ for tok in fallback(doc)] == [c[3] for c in cases]
