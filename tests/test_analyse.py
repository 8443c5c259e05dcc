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
from ivpcorpus.codebook import load_ccv_2020_shares, load_codebook
from ivpcorpus.pipeline import RunContext, RunOptions, load_reference, stage_analyse
from ivpcorpus.registry import Registry, load_registry
from ivpcorpus.catalog import ANALYSIS_TABLES, CONVENTIONS, LABEL_COLUMNS, TABLES, empty, validate
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


def test_every_catalogued_table_is_produced_valid_and_with_a_convention(small):
    assert set(small) == set(ANALYSIS_TABLES)
    for name in ANALYSIS_TABLES:
        info = TABLES[name]
        assert info.convention in ("", *CONVENTIONS), name
        assert info.title and info.description
        validate(name, small[name])  # columns, kinds, allowed values and a unique key


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
                             registry, codebook, ccv_2020=load_ccv_2020_shares())
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
    tables["speerpunten"] = empty("speerpunten", {**TABLES["speerpunten"].columns, **LABEL_COLUMNS})
    ctx = RunContext(options=RunOptions(corpus_dir=tmp_path, out_dir=tmp_path), store=Store(tmp_path),
                     reference=load_reference(), tables=tables)
    stage_analyse(ctx)
    assert "analysis_quality" in ctx.tables and len(ctx.tables["analysis_plans"]) == 0


# -- intervals -------------------------------------------------------------------------------
@pytest.mark.parametrize("k, n, low, high", [(5, 10, 0.2366, 0.7634), (0, 4, 0.0, 0.4899), (81, 263, 0.2553, 0.3662)])
def test_wilson_interval_matches_the_textbook_values(k, n, low, high):
    # Reference values: Newcombe (1998) / Agresti & Coull (1998), z = 1.96.
    assert analyse.wilson_interval(k, n) == pytest.approx((low, high), abs=1e-4)


def test_wilson_interval_without_units_is_undefined():
    assert all(pd.isna(v) for v in analyse.wilson_interval(0, 0))


def _plans_with_items(layout: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": doc, "veld": veld} for doc, velden in layout.items() for veld in velden])


def test_bootstrap_over_plans_widens_when_one_plan_holds_a_category():
    # Ten plans of six speerpunten, 12 of 60 on "a": spread two per plan in one corpus, all in two plans in the other.
    spread = _plans_with_items({f"p{i}": ["a"] * (2 if i < 6 else 0) + ["b"] * (6 - (2 if i < 6 else 0))
                                for i in range(10)})
    clustered = _plans_with_items({f"p{i}": ["a"] * (6 if i < 2 else 0) + ["b"] * (0 if i < 2 else 6) for i in range(10)})
    assert (spread["veld"] == "a").sum() == (clustered["veld"] == "a").sum() == 12
    plans = [f"p{i}" for i in range(10)]
    lo_s, hi_s = analyse.item_share_intervals(spread, "veld", ["a"], plans)["a"]
    lo_c, hi_c = analyse.item_share_intervals(clustered, "veld", ["a"], plans)["a"]
    assert lo_s <= 0.2 <= hi_s and lo_c <= 0.2 <= hi_c
    assert hi_c - lo_c > 1.5 * (hi_s - lo_s)  # the speerpunten of one plan are not independent draws
    wilson = analyse.wilson_interval(12, 60)
    assert lo_s <= wilson[0] + 1e-12 and hi_s >= wilson[1] - 1e-12  # never narrower than over the items


def test_bootstrap_is_reproducible_and_covers_an_empty_category():
    items = _plans_with_items({"p1": ["a", "b"], "p2": ["b"], "p3": ["a", "a", "b"]})
    first = analyse.item_share_intervals(items, "veld", ["a", "b", "c"], ["p1", "p2", "p3", "p4"])
    again = analyse.item_share_intervals(items.sample(frac=1, random_state=3), "veld", ["a", "b", "c"],
                                         ["p4", "p3", "p2", "p1"])
    assert first == again  # same corpus, same intervals, whatever the row order
    assert first["c"][0] == 0 and first["c"][1] > 0.3  # nothing seen in 6 items: up to a third or more is possible


def test_every_share_of_the_tables_has_an_interval_around_it(small):
    checks = [("analysis_veld", "share"), ("analysis_thema", "share"), ("analysis_thema", "share_plans"),
              ("analysis_tiers", "share"), ("analysis_alignment", "share_plans"),
              ("analysis_alignment", "share_speerpunten"), ("analysis_signal_summary", "share_plans"),
              ("analysis_breakdown", "share")]
    for table, share in checks:
        frame = small[table].dropna(subset=[share])
        assert len(frame), table
        low, high = frame[f"{share}_low"], frame[f"{share}_high"]
        assert ((low <= frame[share] + 1e-12) & (frame[share] <= high + 1e-12)).all(), (table, share)
        assert ((low >= 0) & (high <= 1)).all(), (table, share)
    alignment = small["analysis_alignment"].set_index("landelijke_prioriteit")
    assert (alignment.at["ondermijning", "share_plans_low"], alignment.at["ondermijning", "share_plans_high"]) == \
        pytest.approx(analyse.wilson_interval(2, 3))
    b = small["analysis_breakdown"]
    assert set(b.loc[b["measure"] == "veld_share", "interval"]) == {"bootstrap"}
    assert set(b.loc[b["measure"] != "veld_share", "interval"]) == {"wilson"}


def test_group_intervals_are_wide_for_few_gemeenten_and_overlap_is_named(shared_dir):
    registry, codebook = load_registry(), load_codebook()
    inputs = gold_inputs(shared_dir / "dev" / "gold_items.csv", registry)
    tables = analyse.analyse(inputs["documents"], inputs["speerpunten"], inputs["blocks"], inputs["errors"],
                             registry, codebook)
    b = tables["analysis_breakdown"]
    groups = b[(b["dimension"] == "group") & (b["measure"] == "lp_units") & (b["n_units"] > 0)]
    width = (groups["share_high"] - groups["share_low"]).groupby(groups["category"]).mean()
    units = groups.drop_duplicates("category").set_index("category")["n_units"]
    assert width.idxmax() == units.idxmin() and width.idxmin() == units.idxmax()


def test_separated_pairs_name_only_intervals_that_do_not_overlap():
    cells = pd.DataFrame({"category": ["G4", "G40", "other"], "share": [0.5, 0.9, 0.2],
                          "share_low": [0.15, 0.8, 0.1], "share_high": [0.85, 0.97, 0.3]})
    assert analyse.separated_pairs(cells) == [("G40", "other")]
    assert analyse.separated_pairs(cells.assign(share_low=0.0, share_high=1.0)) == []


# -- reliability -----------------------------------------------------------------------------
def test_reliability_without_evaluation_says_so_and_counts_what_a_person_reviewed(small):
    table = small["analysis_reliability"]
    assert list(table.loc[table["part"] != "review", "metric"]) == ["not_measured"]
    review = table[table["part"] == "review"].set_index("metric")
    # Analysed: 6 labelled items, one reviewed per plan (3); the unreviewed ones at 0.7 are below the threshold.
    assert review.at["share_labels_reviewed", "value"] == pytest.approx(3 / 6)
    assert review.at["share_labels_below_threshold", "value"] == pytest.approx(1 / 6)  # ams#3 (0.7, model)
    assert review.at["plans_speerpunten_onzeker", "value"] == 0
    assert set(review["measured_on"]) == {"dit corpus"}


def test_reliability_reports_the_shipped_evaluation_and_plan_review(small):
    from ivpcorpus.evaluation import load_evaluation

    evaluation = load_evaluation()
    if evaluation is None:
        pytest.skip("no evaluation.json shipped (make evaluate)")
    plans = small["analysis_plans"]
    speerpunten = pd.DataFrame([_item("ams", 1, "ondermijning"), _item("ams", 2, "ondermijning"),
                                _item("bs", 1, "vwl_algemeen"), _item("soest", 3, "zorg_en_veiligheid")])
    findings = pd.DataFrame({"doc_id": ["ams", "bs", "soest"], "status": ["beoordeeld", "onzeker", "gevonden"]})
    table = analyse.reliability_table(evaluation, speerpunten, plans, findings).set_index("metric")
    labels, finder = evaluation["labels"], evaluation["speerpunten"]
    assert table.at["thema_accuracy", "value"] == labels["thema_accuracy"]
    assert table.at["thema_accuracy", "n_items"] == labels["n_items"]
    assert table.at["recall", "value"] == finder["recall"] and table.at["recall", "n_items"] == finder["n_gold"]
    assert table.at["recall", "low"] < finder["recall"] < table.at["recall", "high"]
    calibration = table[table["part"] == "calibration"]
    assert calibration["n_items"].sum() == labels["n_items"]
    assert table.at["thema_accuracy", "version"] == evaluation["version"]
    assert table.at["thema_accuracy", "date"] == evaluation["date"]
    assert table.at["share_speerpunten_reviewed", "value"] == pytest.approx(2 / 4)  # ams's list was reviewed
    assert table.at["plans_speerpunten_onzeker", "value"] == 1


def test_support_flags_a_figure_resting_on_unreviewed_low_confidence_labels():
    items = pd.DataFrame({"label_source": ["model", "model", "review", "model"],
                          "label_confidence": [0.5, 0.6, 0.4, 0.95]})
    support = analyse.support_counts(items)
    assert support == {"n_items": 4, "n_reviewed": 1, "n_low_unreviewed": 2}
    assert not analyse.rests_on_low_confidence(support)  # half, not most
    assert analyse.rests_on_low_confidence(analyse.support_counts(items.iloc[[0, 1, 3]]))


def test_stage_analyse_passes_the_shipped_evaluation(tmp_path):
    from ivpcorpus.evaluation import load_evaluation

    tables = {name: empty(name) for name in ("documents", "pages", "blocks", "errors")}
    tables["speerpunten"] = empty("speerpunten", {**TABLES["speerpunten"].columns, **LABEL_COLUMNS})
    ctx = RunContext(options=RunOptions(corpus_dir=tmp_path, out_dir=tmp_path), store=Store(tmp_path),
                     reference=load_reference(), tables=tables)
    stage_analyse(ctx)
    parts = set(ctx.tables["analysis_reliability"]["part"])
    assert parts == ({"speerpunten", "labels", "calibration", "review"} if load_evaluation() else {"evaluation", "review"})


@pytest.mark.slow
def test_label_evaluation_trains_on_tune_and_scores_check(shared_dir):
    import json

    from ivpcorpus.evaluation import evaluate_labels

    split = json.loads((shared_dir / "dev" / "split.json").read_text(encoding="utf-8"))
    gold = pd.read_csv(shared_dir / "dev" / "gold_items.csv", dtype=str, keep_default_na=False)
    result = evaluate_labels(shared_dir / "dev" / "gold_items.csv", split)
    in_check = gold["plan"].isin(split["check"])
    assert result["n_items"] == int(in_check.sum()) and result["n_train_items"] == int((~in_check).sum())
    assert result["n_plans"] == gold.loc[in_check, "plan"].nunique()
    assert sum(b["n"] for b in result["reliability"]) == result["n_items"]
    filled = [b for b in result["reliability"] if b["n"]]
    # the mean confidence is the n-weighted mean of the bins' mean confidences
    assert result["mean_confidence"] == pytest.approx(sum(b["n"] * b["mean_confidence"] for b in filled) / result["n_items"])
    assert 0 <= result["expected_calibration_error"] <= 1 and 0 <= result["thema_accuracy"] <= 1


def test_a_missing_evaluation_file_is_none(tmp_path):
    from ivpcorpus.evaluation import load_evaluation

    assert load_evaluation(tmp_path / "evaluation.json") is None


def _quality(registry: Registry) -> pd.DataFrame:
    speerpunten = empty("speerpunten", {**TABLES["speerpunten"].columns, **LABEL_COLUMNS})
    return analyse.analyse(empty("documents"), speerpunten, empty("blocks"), empty("errors"), registry,
                           load_codebook())["analysis_quality"]


def test_the_group_list_note_follows_the_registry_and_a_users_groups_file(tmp_path):
    from ivpcorpus.report.content import group_list_note

    registry = load_registry()
    known = int((registry.municipalities["group"] == "P10").sum())
    note = group_list_note(_quality(registry))
    assert f"De P10-lijst in de registratie is onvolledig ({known} van de circa 31 leden)" in note
    assert "G40" not in note  # the registry knows all 41 G40 members
    groups = tmp_path / "groepen.csv"
    groups.write_text(f"gemeentecode,group\n{BAARN},P10\n{SOEST},P10\n", encoding="utf-8")
    own = group_list_note(_quality(registry.with_groups(groups)))
    assert "opgegeven groepenbestand" in own and f"P10 {known + 2}" in own and "circa" not in own
