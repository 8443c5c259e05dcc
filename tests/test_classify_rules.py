"""Each codebook decision rule on realistic speerpunten (knowledge layer only, no model)."""

from __future__ import annotations

import pytest

from ivpcorpus.classify.knowledge import build_knowledge, decide, find_hits, load_knowledge, normalise, _read_yaml, classify_data_path
from ivpcorpus.codebook import load_codebook, reference_path


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def label(text, knowledge):
    decision = decide(text, knowledge)
    assert decision is not None, f"no decision for {text!r}"
    return decision


@pytest.mark.parametrize("text, thema", [
    # A priority that names a whole veld gets that veld's *_algemeen theme.
    ("Jeugd en veiligheid", "jeugd_algemeen"),
    ("Fysieke veiligheid", "fys_algemeen"),
    ("Veilige woon- en leefomgeving", "vwl_algemeen"),
    ("Integriteit en veiligheid", "int_algemeen"),
    ("Bedrijvigheid en veiligheid", "bev_algemeen"),
    # A generic safety priority that names no theme is vwl_algemeen.
    ("Openbare orde en veiligheid", "vwl_algemeen"),
    ("sociale veiligheid", "vwl_algemeen"),
    ("De basisveiligheid op orde", "vwl_algemeen"),
    ("lokale veiligheidsproblematiek", "vwl_algemeen"),
    # Bare youth priorities are jeugd_algemeen.
    ("jeugdproblematiek", "jeugd_algemeen"),
    ("Jeugdaanpak", "jeugd_algemeen"),
    # Bare drugs is ondermijning; drugsoverlast is woonoverlast; use by young people is alcohol_drugs_jeugd.
    ("Drugs", "ondermijning"),
    ("drugsproblematiek", "ondermijning"),
    ("Aanpak drugsoverlast in de wijken", "woonoverlast_sociale_kwaliteit"),
    ("alcohol- en drugsoverlast", "woonoverlast_sociale_kwaliteit"),
    ("Drugsgebruik onder jongeren terugdringen", "alcohol_drugs_jeugd"),
    ("Preventie van middelengebruik en GHB", "alcohol_drugs_jeugd"),
    # Confused behaviour and kwetsbare personen are zorg en veiligheid.
    ("Personen met verward gedrag", "zorg_en_veiligheid"),
    ("Aanpak overlast door personen met onbegrepen gedrag", "zorg_en_veiligheid"),
    ("Woonoverlast", "woonoverlast_sociale_kwaliteit"),
    # Youth nuisance and weapons among young people are youth themes even when "overlast" leads.
    ("Overlast van hangjongeren", "jeugdoverlast_jeugdcriminaliteit"),
    ("Wapenbezit onder jongeren", "jeugdoverlast_jeugdcriminaliteit"),
    ("Wapenbezit", "veelvoorkomende_criminaliteit"),
    # Integrity of the own organisation is not the whole veld.
    ("Integriteit van ambtenaren en bestuurders", "integriteit_informatieveiligheid"),
    ("Integriteit", "int_algemeen"),
    ("kwetsbare personen", "zorg_en_veiligheid"),
    # Digital safety of residents vs. the gemeente's own information.
    ("Digitale veiligheid van inwoners en ondernemers", "gedigitaliseerde_criminaliteit"),
    ("Informatieveiligheid van de gemeentelijke organisatie", "integriteit_informatieveiligheid"),
    ("Veilig online", "gedigitaliseerde_criminaliteit"),
    # Criminal misuse of parks and rural areas is ondermijning; visitors' safety is toerisme.
    ("Misbruik van vakantieparken tegengaan", "ondermijning"),
    ("Veilig buitengebied", "ondermijning"),
    ("Veilig toerisme en recreatie aan de kust", "veilig_toerisme_recreatie"),
    # Ways of working are overig; an approach aimed at neighbourhoods is vwl_algemeen.
    ("Wijkgericht werken", "overig"),
    ("Samenwerking met jeugd- en zorgpartners", "overig"),
    ("Integrale wijkaanpak", "vwl_algemeen"),
    ("Kwetsbare wijken", "vwl_algemeen"),
    # Zeden is veelvoorkomende criminaliteit unless mensenhandel is named.
    ("Zedendelicten", "veelvoorkomende_criminaliteit"),
    ("Zeden en mensenhandel", "mensenhandel"),
    # Person-centred approach to offenders is zorg en veiligheid; with HIC named, HIC leads.
    ("Persoonsgerichte aanpak", "zorg_en_veiligheid"),
    ("Top X aanpak veelplegers", "zorg_en_veiligheid"),
    ("Persoonsgerichte aanpak van daders van High Impact Crimes", "veelvoorkomende_criminaliteit"),
])
def test_decision_rule(text, thema, knowledge):
    assert label(text, knowledge).thema == thema


def test_jonge_aanwas_is_youth_crime_with_ondermijning(knowledge):
    for text in ("Voorkomen jonge aanwas", "Criminele uitbuiting van jongeren", "Preventie met Gezag in Oost"):
        decision = label(text, knowledge)
        assert decision.thema == "jeugdoverlast_jeugdcriminaliteit"
        assert decision.landelijke_prioriteiten == ("ondermijning",)


def test_two_themes_the_wording_leads(knowledge):
    jeugd_first = label("Jeugdcriminaliteit en ondermijning", knowledge)
    assert jeugd_first.thema == "jeugdoverlast_jeugdcriminaliteit"
    assert jeugd_first.also == ("ondermijning",)
    # landelijke prioriteiten are coded independently of the thema
    assert jeugd_first.landelijke_prioriteiten == ("ondermijning",)
    ondermijning_first = label("Ondermijning en jeugdcriminaliteit", knowledge)
    assert ondermijning_first.thema == "ondermijning"
    assert ondermijning_first.also == ("jeugdoverlast_jeugdcriminaliteit",)


def test_discriminatie_has_no_landelijke_prioriteit_but_extremisme_has(knowledge):
    discriminatie = label("Discriminatie", knowledge)
    assert (discriminatie.thema, discriminatie.landelijke_prioriteiten) == ("polarisatie_radicalisering", ())
    extremisme = label("Tegengaan van extremisme en terrorisme", knowledge)
    assert (extremisme.thema, extremisme.landelijke_prioriteiten) == ("polarisatie_radicalisering", ("maatschappelijke_onrust",))


def test_veld_heading_with_sub_themes(knowledge):
    many = label("Fysieke veiligheid - brandveiligheid, externe veiligheid, crisisbeheersing", knowledge)
    assert many.thema == "fys_algemeen"
    assert set(many.also) == {"brandveiligheid", "externe_veiligheid", "crisisbeheersing"}
    one = label("Fysieke veiligheid: brandveiligheid", knowledge)
    assert one.thema == "brandveiligheid"
    assert "Regel" in one.evidence


def test_longest_match_and_compounds(knowledge):
    hits = find_hits("Drugsoverlast en woninginbraken", knowledge)
    assert [h.term.thema for h in hits] == ["woonoverlast_sociale_kwaliteit", "veelvoorkomende_criminaliteit"]
    assert [h.term.thema for h in find_hits("Veilige schoolroutes", knowledge)] == ["verkeersveiligheid"]


def test_creative_title_names_no_theme(knowledge):
    # labelled by what the plan says it covers: the knowledge leaves it to model + context
    assert decide("Enkhuizen boeit veilig", knowledge) is None


def test_evidence_names_rule_or_keyword(knowledge):
    assert label("Drugs", knowledge).evidence.startswith("Regel: ")
    assert "'woninginbraken'" in label("Woninginbraken", knowledge).evidence


def test_normalise():
    assert normalise("Zorg & Veiligheid  (o.a. personen)") == "zorg en veiligheid o a personen"
    assert normalise("Créëren") == "creeren"


def test_unknown_ids_in_seeds_are_rejected():
    seeds = _read_yaml(classify_data_path("seeds.yaml"))
    seeds["extra"]["ondermijnig"] = ["tikfout"]
    with pytest.raises(ValueError, match="ondermijnig"):
        build_knowledge(load_codebook(), seeds, _read_yaml(classify_data_path("rules.yaml")),
                        _read_yaml(reference_path("kernbeleid_veiligheid.yaml")))


# Realistic speerpunten for every codebook thema (written for these tests, not taken from the
# development items): each thema must be reachable by the way plans phrase it.
EVERY_THEMA = [
    ("Prettig en veilig wonen in alle kernen", "vwl_algemeen"), ("Burenruzies en woonoverlast", "woonoverlast_sociale_kwaliteit"),
    ("Vandalisme en vernielingen", "fysieke_kwaliteit"), ("Straatroven en overvallen", "veelvoorkomende_criminaliteit"),
    ("Veiligheidsbeleving vergroten", "subjectieve_veiligheid"), ("Aanpak van ouderenmishandeling", "huiselijk_geweld"),
    ("Bedrijvigheid en veiligheid", "bev_algemeen"), ("Keurmerk Veilig Ondernemen bedrijventerreinen", "veilig_ondernemen"),
    ("Horeca en nachtleven", "veilig_uitgaan"), ("Veilige festivals en evenementen", "veilige_evenementen"),
    ("Toeristen en badgasten", "veilig_toerisme_recreatie"), ("Jongeren en veiligheid", "jeugd_algemeen"),
    ("Het voorkomen dat jongeren afglijden naar de criminaliteit", "jeugdoverlast_jeugdcriminaliteit"),
    ("Lachgasgebruik", "alcohol_drugs_jeugd"), ("Pesten op school", "veilig_in_om_school"),
    ("Fysieke veiligheid", "fys_algemeen"), ("Snelheidsovertredingen", "verkeersveiligheid"),
    ("Rookmelders in elke woning", "brandveiligheid"), ("Transport van gevaarlijke stoffen", "externe_veiligheid"),
    ("Uitval van vitale infrastructuur", "crisisbeheersing"), ("Integriteit en veiligheid", "int_algemeen"),
    ("Het versterken van de weerbaarheid van ondernemers tegen criminele inmenging", "ondermijning"),
    ("Arbeidsuitbuiting van arbeidsmigranten", "mensenhandel"), ("Desinformatie en complotdenken", "polarisatie_radicalisering"),
    ("Bedreiging van burgemeesters en raadsleden", "veilige_publieke_taak"),
    ("Informatiebeveiliging", "integriteit_informatieveiligheid"), ("Nazorg ex-gedetineerden", "zorg_en_veiligheid"),
    ("Online oplichting van ouderen", "gedigitaliseerde_criminaliteit"), ("Informatiegestuurd werken", "informatiepositie"),
    ("Communicatie met inwoners", "overig"),
]


def test_every_thema_is_reachable(knowledge):
    assert {thema for _, thema in EVERY_THEMA} == set(knowledge.codebook.theme_ids)
    wrong = [(text, thema, label(text, knowledge).thema) for text, thema in EVERY_THEMA if label(text, knowledge).thema != thema]
    assert not wrong


def test_criminal_exploitation_of_adults_is_not_ondermijning(knowledge):
    decision = label("Criminele uitbuiting van kwetsbare volwassenen", knowledge)
    assert (decision.thema, decision.landelijke_prioriteiten) == ("mensenhandel", ("mensenhandel",))


@pytest.mark.parametrize("text, thema", [
    # Bare youth is jeugd_algemeen; youth that names its problem gets the specific youth theme.
    ("Jongeren", "jeugd_algemeen"),
    ("Jeugd: overlast en criminaliteit", "jeugdoverlast_jeugdcriminaliteit"),
    ("Jongeren en criminaliteit", "jeugdoverlast_jeugdcriminaliteit"),
    ("Jeugd, alcohol en drugs", "alcohol_drugs_jeugd"),
    # Veelvoorkomende criminaliteit and High Impact Crimes are not ondermijning, even beside it.
    ("Vermogenscriminaliteit", "veelvoorkomende_criminaliteit"),
    ("High Impact Crimes en drugshandel", "veelvoorkomende_criminaliteit"),
    ("Georganiseerde criminaliteit", "ondermijning"),
    # Zorg en veiligheid vs. woonoverlast: the person's care need leads, also when framed as overlast.
    ("Overlast door kwetsbare personen", "zorg_en_veiligheid"),
    ("Woonoverlast en burenruzies", "woonoverlast_sociale_kwaliteit"),
    # Informatiepositie vs. ondermijning: the wording leads.
    ("Informatiegestuurd werken tegen ondermijning", "informatiepositie"),
    ("Ondermijning: een sterke informatiepositie", "ondermijning"),
])
def test_decision_rules_for_the_frequent_confusions(text, thema, knowledge):
    assert label(text, knowledge).thema == thema


@pytest.mark.parametrize("text, thema", [
    # Youth words open compounds: the stem with a named problem is the specific youth theme.
    ("Jongerenproblematiek en overlast op straat", "jeugdoverlast_jeugdcriminaliteit"),
    ("Tieners en alcohol", "alcohol_drugs_jeugd"),
    ("Jongeren die afglijden naar de criminaliteit", "jeugdoverlast_jeugdcriminaliteit"),
    # The care need of a person in any wording is zorg en veiligheid.
    ("Inwoners met psychische problematiek", "zorg_en_veiligheid"),
    ("Zorgmijdende bewoners", "zorg_en_veiligheid"),
    ("Kwetsbare burgers beschermen", "zorg_en_veiligheid"),
    # Vermogenscriminaliteit in its wordings; organised crime in its wordings.
    ("Minder vermogensdelicten", "veelvoorkomende_criminaliteit"),
    ("Georganiseerde misdaad", "ondermijning"),
    # Youth with a named problem in its many wordings; youth with drink, drugs or addiction.
    ("Jongeren met wapens en messen", "jeugdoverlast_jeugdcriminaliteit"),
    ("Jeugdbendes in de wijk", "jeugdoverlast_jeugdcriminaliteit"),
    ("Jeugd en huiselijk geweld", "jeugd_algemeen"),
    # ... but young people as victims, and sexual or domestic violence, are not youth crime.
    ("Seksueel geweld tegen jongeren", "veelvoorkomende_criminaliteit"),
    ("Jeugdhulp en daders van huiselijk geweld", "huiselijk_geweld"),
    ("Verslaving bij jongeren voorkomen", "alcohol_drugs_jeugd"),
    ("Genotmiddelen en tieners", "alcohol_drugs_jeugd"),
    # Crime named without a kind is veelvoorkomende criminaliteit; organised crime names itself.
    ("Misdrijven", "veelvoorkomende_criminaliteit"),
    ("Het aanpakken van criminaliteit", "veelvoorkomende_criminaliteit"),
    ("Criminaliteit verminderen", "veelvoorkomende_criminaliteit"),
    ("Minder misdrijven", "veelvoorkomende_criminaliteit"),
    ("Ondermijnende criminaliteit", "ondermijning"),
    ("Plofkraken", "ondermijning"),
    # Information shared and used better is informatiepositie.
    ("Gegevensuitwisseling tussen partners", "informatiepositie"),
    ("Datagestuurd werken", "informatiepositie"),
])
def test_families_of_wordings(text, thema, knowledge):
    assert label(text, knowledge).thema == thema


def test_a_veld_general_theme_is_not_listed_beside_a_specific_theme_of_that_veld(knowledge):
    decision = label("Problematische jeugdgroepen en jongeren", knowledge)
    assert (decision.thema, decision.also) == ("jeugdoverlast_jeugdcriminaliteit", ())
    assert label("Jeugd en ondermijning", knowledge).also == ("ondermijning",)
