"""The municipality registry and its name matcher: variants, mergers, joint plans, groups."""

from __future__ import annotations

import pandas as pd
import pytest

from ivpcorpus.registry import GROUPS, load_registry, normalize_name


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def codes(registry, text, **kwargs):
    return sorted(m.code for m in registry.match_text(text, **kwargs))


def test_all_342_gemeenten_with_regions_and_groups(registry):
    m = registry.municipalities
    assert len(m) == 342 and m["gemeentecode"].is_unique
    assert m["gemeentecode"].str.fullmatch(r"GM\d{4}").all()
    assert set(m["group"]) == set(GROUPS)
    assert (m["group"] == "G4").sum() == 4
    assert (m["group"] == "G40").sum() == 41
    for column in ("province", "politie_eenheid", "veiligheidsregio", "population"):
        assert m[column].notna().all(), column
    assert m["population"].sum() == 17_942_942  # CBS 1 January 2024, see SOURCES.md


def test_registry_matches_the_shared_reference(shared_dir):
    reference = pd.read_csv(shared_dir / "reference" / "municipalities_2023.csv", dtype=str)
    shipped = load_registry().municipalities
    assert sorted(reference["gemeentecode"]) == sorted(shipped["gemeentecode"])
    assert dict(zip(reference["gemeentecode"], reference["group"])) == dict(zip(shipped["gemeentecode"], shipped["group"]))


@pytest.mark.parametrize("text, expected", [
    ("Den Haag", ["GM0518"]),
    ("'s-Gravenhage", ["GM0518"]),
    ("s-Gravenhage", ["GM0518"]),
    ("gemeente Súdwest Fryslan", ["GM1900"]),
    ("Sudwest-Fryslan", ["GM1900"]),
    ("Den Bosch", ["GM0796"]),
    ("Bergen (NH.)", ["GM0373"]),
    ("Bergen (L.)", ["GM0893"]),
    ("Bergen (Limburg)", ["GM0893"]),
    ("Hengelo (O.)", ["GM0164"]),
    ("Nuenen c.a.", ["GM0820"]),
    ("Integraal Veiligheidsplan gemeente Alphen aan den Rijn 2023-2026", ["GM0484"]),
])
def test_name_variants(registry, text, expected):
    assert codes(registry, text) == expected


def test_ambiguous_bare_name_is_not_guessed(registry):
    assert codes(registry, "gemeente Bergen") == []


def test_pre_merger_names_map_to_the_current_gemeente(registry):
    assert codes(registry, "IVP gemeente Heerhugowaard 2019-2022") == ["GM1980"]  # Dijk en Waard
    assert codes(registry, "gemeente Weesp") == ["GM0363"]
    assert registry.current_code("GM0756") == ["GM1982"]  # Boxmeer -> Land van Cuijk
    assert sorted(registry.current_code("GM0788")) == ["GM0757", "GM0824", "GM0855", "GM0865"]  # Haaren, split
    with pytest.raises(KeyError):
        registry.current_code("GM9999")


def test_joint_plans_map_to_every_member(registry):
    assert codes(registry, "Integraal Veiligheidsplan BUCH-gemeenten 2023-2026") == ["GM0373", "GM0383", "GM0399", "GM0450"]
    heuvelland = codes(registry, "Heuvelland: Eijsden-Margraten, Gulpen-Wittem, Meerssen, Vaals en Valkenburg aan de Geul")
    assert heuvelland == ["GM0938", "GM0981", "GM0994", "GM1729", "GM1903"]
    assert codes(registry, "Weert, Nederweert en Leudal") == ["GM0946", "GM0988", "GM1640"]
    assert codes(registry, "baarn-eemnes-soest-bunschoten_2019-2022") == ["GM0308", "GM0313", "GM0317", "GM0342"]


def test_common_words_are_not_taken_for_gemeenten(registry):
    # "buren" (neighbours), "best", "goes", "putten" are ordinary Dutch words.
    assert codes(registry, "Overlast van buren is het best aan te pakken als het goed gaat met putten.") == []
    assert codes(registry, "Integraal Veiligheidsplan gemeente Best") == ["GM0753"]
    assert codes(registry, "Buren") == ["GM0214"]  # a file name or title that is only the name


def test_lower_case_everyday_words_are_not_gemeenten_but_capitalised_names_are(registry):
    # "leiden tot", "kampen met", "huizen", "houten": words in lower case, gemeenten with a capital.
    assert codes(registry, "Het kan leiden tot overlast; gezinnen kampen met schulden in oude huizen.") == []
    leiden, kampen, huizen = (codes(registry, name) for name in ("Leiden", "Kampen", "Huizen"))
    assert codes(registry, "De politie in Leiden") == leiden and len(leiden) == 1
    assert codes(registry, "integraal-veiligheidsplan-kampen") == kampen  # a file name
    assert codes(registry, "IVP Huizen 2023-2026") == huizen


def test_user_groups_override(registry, tmp_path):
    csv = tmp_path / "groups.csv"
    csv.write_text("gemeentecode,group\nGM0888,P10\n")  # Beek
    overridden = registry.with_groups(csv)
    assert overridden.group("GM0888") == "P10"
    assert registry.group("GM0888") == "other"  # the shipped registry is untouched
    assert (overridden.municipalities["group"] == "P10").sum() == 25
    bad = tmp_path / "bad.csv"
    bad.write_text("gemeentecode,group\nGM0888,G5\n")
    with pytest.raises(ValueError, match="onbekende groep"):
        registry.with_groups(bad)


def test_normalize_name():
    assert normalize_name("Súdwest-Fryslân") == "sudwest fryslan"
    assert normalize_name("'s-Hertogenbosch") == "s hertogenbosch"
