"""analyse: counting conventions, national shares, alignment, breakdowns, signals.

Two kinds of input: a small hand-made corpus whose answers can be worked out on paper, and
the real labelled speerpunten of shared/dev/gold_items.csv (`gold_inputs`, also used by the
report tests), checked against counts made directly from the CSV.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ivpcorpus import analyse
from ivpcorpus.codebook import load_codebook
from ivpcorpus.pipeline import RunContext, RunOptions, stage_analyse
from ivpcorpus.registry import Registry, load_registry
from ivpcorpus.schemas import LABEL_COLUMNS, SCHEMAS, empty
from ivpcorpus.store import Store

AMSTERDAM, BAARN, SOEST, ALKMAAR = "GM0363", "GM0308", "GM0342", "GM0361"


def gold_inputs(gold_csv: Path, registry: Registry, plans: int | None = None) -> dict[str, pd.DataFrame]:
    """Pipeline tables (documents, speerpunten with labels, blocks, errors) from the gold CSV.

    Each gold plan becomes a document; its items get the label columns of the classification
    stage (label_source "review": a person set these labels). Blocks hold the item texts and a
    sentence about partners and participation, as plans have.
    """
    gold = pd.read_csv(gold_csv, dtype=str, keep_default_na=False)
    codebook = load_codebook()
    documents, speerpunten, blocks = [], [], []
    for i, (plan, items) in enumerate(gold.groupby("plan", sort=True)):
        if plans is not None and i >= plans:
            break
        doc_id = f"{i:016x}"
        names = items["municipality"].iloc[0]
        codes = sorted({m.code for name in names.split(";") for m in registry.lookup(name.strip())
                        if len(registry.lookup(name.strip())) == 1})
        documents.append({"doc_id": doc_id, "source_file": f"{plan}.pdf", "path": f"{plan}.pdf", "sha256": "",
                          "format": "pdf", "pages": 20, "title": f"Integraal Veiligheidsplan {names}",
                          "municipalities": ";".join(codes), "period": items["period"].iloc[0],
                          "status": "ok", "reason": ""})
        blocks.append({"doc_id": doc_id, "block_id": 0, "page": 2, "kind": "paragraph", "level": 0,
                       "text": f"Dit plan is opgesteld door {names}. Wij werken samen met de politie en het "
                               "Openbaar Ministerie. Inwoners zijn via een enquête betrokken."})
        for j, item in enumerate(items.itertuples(), start=1):
            page = 3 + j // 4
            speerpunten.append({
                "item_id": item.item_id, "doc_id": doc_id, "source_file": f"{plan}.pdf",
                "municipalities": ";".join(codes), "period": item.period, "level": item.level,
                "text": item.item_text, "context": "Onze speerpunten", "page": page,
                "evidence": f"Speerpunt {j}: {item.item_text}", "confidence": 0.9,
                "thema": item.thema, "also": item.also, "veld": codebook.veld_of(item.thema),
                "landelijke_prioriteiten": item.landelijke_prioriteiten, "label_confidence": 1.0,
                "top3": item.thema, "label_evidence": item.item_text, "label_source": "review",
            })
            blocks.append({"doc_id": doc_id, "block_id": j, "page": page, "kind": "list_item", "level": 0,
                           "text": item.item_text})
    return {"documents": pd.DataFrame(documents), "speerpunten": pd.DataFrame(speerpunten),
            "blocks": pd.DataFrame(blocks).assign(x0=0.0, top=0.0, x1=0.0, bottom=0.0), "errors": empty("errors")}


def _document(doc_id: str, codes: list[str], period: str, status: str = "ok") -> dict:
    return {"doc_id": doc_id, "source_file": f"{doc_id}.pdf", "path": f"{doc_id}.pdf", "sha256": "", "format": "pdf",
            "pages": 10, "title": "", "municipalities": ";".join(codes), "period": period, "status": status,
            "reason": ""}


def _item(doc_id: str, n: int, thema: str, lp: str = "", level: str = "prioriteit", also: str = "") -> dict:
    return {"item_id": f"{doc_id}#{n}", "doc_id": doc_id, "source_file": f"{doc_id}.pdf", "municipalities": "",
            "period": "", "level": level, "text": f"speerpunt {n}", "context": "", "page": n, "evidence": "",
            "confidence": 0.8, "thema": thema, "also": also, "veld": load_codebook().veld_of(thema),
            "landelijke_prioriteiten": lp, "label_confidence": 0.7 if n % 2 else 0.9, "top3": "",
            "label_evidence": "", "label_source": "review" if n == 1 else "model"}


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    """Amsterdam alone (2023), Baarn+Soest together (2019), Soest alone later (2023), one unreadable file."""
    documents = pd.DataFrame([_document("ams", [AMSTERDAM], "2023-2026"),
                              _document("bs", [BAARN, SOEST], "2019-2022"),
                              _document("soest", [SOEST], "2023-2026"),
                              _document("broken", [ALKMAAR], "2023-2026", status="error")])
    speerpunten = pd.DataFrame([
        _item("ams", 1, "ondermijning", "ondermijning"), _item("ams", 2, "veelvoorkomende_criminaliteit"),
        _item("ams", 3, "verkeersveiligheid", level="overig_thema"),
        _item("bs", 1, "vwl_algemeen"), _item("bs", 2, "jeugdoverlast_jeugdcriminaliteit", "ondermijning",
                                               also="alcohol_drugs_jeugd"),
        _item("soest", 1, "zorg_en_veiligheid"),
        _item("broken", 1, "mensenhandel", "mensenhandel"),
    ])
    blocks = pd.DataFrame([
        {"doc_id": "bs", "block_id": 1, "page": 4, "kind": "paragraph", "level": 0,
         "text": "Inleiding van het plan. Wij werken samen met de politie, het RIEC en de woningcorporaties. "
                 "Om dit te bereiken houden we een burgerpanel."},
        {"doc_id": "ams", "block_id": 1, "page": 7, "kind": "paragraph", "level": 0,
         "text": "Om overlast te beperken is een halt toegeroepen aan de groei."},
    ]).assign(x0=0.0, top=0.0, x1=0.0, bottom=0.0)
    return analyse.analyse(documents, speerpunten, blocks, empty("errors"), load_registry(), load_codebook())


def test_every_catalogued_table_is_produced_with_a_convention(small):
    assert set(small) == set(analyse.TABLE_CATALOGUE)
    for name, info in analyse.TABLE_CATALOGUE.items():
        assert info.convention in ("", *analyse.CONVENTIONS), name
        assert info.title and info.description


def test_joint_plan_counts_once_nationally_and_per_gemeente_for_coverage(small):
    plans = small["analysis_plans"].set_index("doc_id")
    assert sorted(plans.index) == ["ams", "bs", "soest"]  # the unreadable file is not analysed
    assert bool(plans.at["bs", "joint"]) and plans.at["bs", "n_municipalities"] == 2
    veld = small["analysis_veld"].set_index("veld")
    # Tier 1 only: 2 (ams) + 2 (bs) + 1 (soest) = 5; veilige woon- en leefomgeving has vvc + vwl_algemeen.
    assert veld["base"].iloc[0] == 5
    assert veld.at["veilige_woon_en_leefomgeving", "n_speerpunten"] == 2
    assert veld.at["veilige_woon_en_leefomgeving", "share"] == pytest.approx(0.4)
    coverage = small["analysis_coverage"].set_index("group")
    assert coverage.at["totaal", "n_with_plan"] == 3  # Amsterdam, Baarn, Soest (not Alkmaar: its file failed)
    assert coverage.at["G4", "n_with_plan"] == 1 and coverage.at["G4", "share"] == pytest.approx(1 / 4)
    municipalities = small["analysis_municipalities"].set_index("gemeentecode")
    assert municipalities.at[SOEST, "n_plans"] == 2 and municipalities.at[SOEST, "doc_id"] == "soest"  # most recent
    assert municipalities.at[BAARN, "doc_id"] == "bs" and bool(municipalities.at[BAARN, "joint"])


def test_thema_plans_count_also_themes_and_alignment_counts_plans(small):
    thema = small["analysis_thema"].set_index("thema")
    assert thema.at["alcohol_drugs_jeugd", "n_speerpunten"] == 0  # only as `also`
    assert thema.at["alcohol_drugs_jeugd", "n_plans"] == 1
    assert thema.at["verkeersveiligheid", "n_plans"] == 0  # tier 2 is not a priority
    alignment = small["analysis_alignment"].set_index("landelijke_prioriteit")
    assert alignment.at["ondermijning", "n_plans"] == 2 and alignment.at["ondermijning", "share_plans"] == pytest.approx(2 / 3)
    assert alignment.at["mensenhandel", "n_plans"] == 0  # only in the unreadable file
    per_plan = small["analysis_plan_alignment"].set_index("doc_id")
    assert per_plan.at["bs", "ondermijning"] == 1 and per_plan.at["soest", "n_landelijke_prioriteiten"] == 0
    tiers = small["analysis_tiers"].set_index("level")
    assert tiers.at["overig_thema", "n_plans_with_level"] == 1 and tiers.at["prioriteit", "max_per_plan"] == 2


def test_breakdowns_carry_counts_conventions_and_small_cells(small):
    b = small["analysis_breakdown"]
    other = b[(b["dimension"] == "group") & (b["category"] == "other")]
    assert set(other["convention"]) == {analyse.GEMEENTE}
    # Baarn (joint plan bs) and Soest (its latest plan, soest): bs's two speerpunten count for Baarn only.
    vwl = other[(other["measure"] == "veld_share") & (other["key"] == "veilige_woon_en_leefomgeving")].iloc[0]
    assert (vwl["n"], vwl["base"], vwl["n_units"], bool(vwl["small_cell"])) == (1, 3, 2, True)
    lp = other[(other["measure"] == "lp_units") & (other["key"] == "ondermijning")].iloc[0]
    assert (lp["n"], lp["base"]) == (1, 2)
    periods = b[(b["dimension"] == "period") & (b["measure"] == "lp_units") & (b["key"] == "ondermijning")]
    assert dict(zip(periods["category"], periods["n"])) == {"2019-2022": 1, "2023-2026": 1}
    assert set(periods["convention"]) == {analyse.PLAN}
    joint = b[(b["dimension"] == "joint") & (b["measure"] == "veld_share")].drop_duplicates("category")
    assert dict(zip(joint["category"], joint["n_units"])) == {"enkel": 2, "gezamenlijk": 1}


def test_signals_keep_the_sentence_and_page_as_evidence(small):
    signals = small["analysis_signals"]
    found = signals[signals["doc_id"] == "bs"].set_index("signal")
    assert {"politie", "RIEC", "woningcorporaties", "burgerpanel", analyse.JOINT} <= set(found.index)
    assert found.at["RIEC", "page"] == 4
    assert found.at["RIEC", "quote"] == "Wij werken samen met de politie, het RIEC en de woningcorporaties."
    # "Om" and "halt" as ordinary words are not the Openbaar Ministerie or Halt.
    assert signals[signals["doc_id"] == "ams"].empty
    summary = small["analysis_signal_summary"].set_index("signal")
    assert summary.at[analyse.JOINT, "n_plans"] == 1 and summary.at["politie", "share_plans"] == pytest.approx(1 / 3)


def test_quality_reports_review_share_and_confidence(small):
    quality = dict(zip(small["analysis_quality"]["metric"], small["analysis_quality"]["value"]))
    assert quality["documents_error"] == 1 and quality["plans"] == 3
    # Analysed speerpunten: ams 3, bs 2, soest 1; item 1 of each plan was reviewed.
    assert quality["labels_review"] == 3 and quality["share_labels_review"] == pytest.approx(3 / 6)
    assert quality["mean_label_confidence"] == pytest.approx((0.7 + 0.9 + 0.7 + 0.7 + 0.9 + 0.7) / 6)
    assert quality["synthetic"] == 0


@pytest.mark.parametrize("period, bucket", [("2023-2026", "2023-2026"), ("c2019-2022", "2019-2022"),
                                            ("2024-2027", "2023-2026"), ("2018-2022", "vóór 2019"),
                                            ("undated", "onbekend"), (None, "onbekend")])
def test_period_buckets_follow_the_start_year(period, bucket):
    assert analyse.period_bucket(period) == bucket


def test_national_shares_on_real_labelled_speerpunten(shared_dir):
    registry, codebook = load_registry(), load_codebook()
    inputs = gold_inputs(shared_dir / "dev" / "gold_items.csv", registry)
    tables = analyse.analyse(inputs["documents"], inputs["speerpunten"], inputs["blocks"], inputs["errors"],
                             registry, codebook)
    gold = pd.read_csv(shared_dir / "dev" / "gold_items.csv", dtype=str, keep_default_na=False)
    tier1 = gold[gold["level"] == "prioriteit"]
    expected = tier1["thema"].map(codebook.veld_of).value_counts(normalize=True)
    veld = tables["analysis_veld"].set_index("veld")
    for veld_id, share in expected.items():
        assert veld.at[veld_id, "share"] == pytest.approx(share)
    assert veld["share"].sum() == pytest.approx(1.0)
    # The CCV figures land on the veld and the thema they name.
    assert veld["ccv_2020_share"].notna().sum() == 1
    assert tables["analysis_thema"]["ccv_2020_share"].notna().sum() == 1
    assert len(tables["analysis_plans"]) == gold["plan"].nunique()
    plans_with_lp = tier1[tier1["landelijke_prioriteiten"].str.contains("cybercrime")]["plan"].nunique()
    alignment = tables["analysis_alignment"].set_index("landelijke_prioriteit")
    assert alignment.at["cybercrime", "n_plans"] == plans_with_lp


def test_stage_on_a_corpus_without_speerpunten(tmp_path):
    tables = {name: empty(name) for name in ("documents", "pages", "blocks", "errors")}
    tables["speerpunten"] = empty("speerpunten", {**SCHEMAS["speerpunten"], **LABEL_COLUMNS})
    ctx = RunContext(options=RunOptions(corpus_dir=tmp_path, out_dir=tmp_path), store=Store(tmp_path),
                     registry=load_registry(), tables=tables)
    stage_analyse(ctx)
    assert "analysis_quality" in ctx.tables and len(ctx.tables["analysis_plans"]) == 0
