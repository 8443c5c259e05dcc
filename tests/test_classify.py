"""The classifier: scikit-learn API, labelling with corrections, the CLI and the evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from ivpcorpus.classify import PREDICTION_COLUMNS, SpeerpuntClassifier, default_classifier, label_speerpunten
from ivpcorpus.classify.evaluate import classification_metrics, cross_validated_predictions, read_gold
from ivpcorpus.classify.label import gold_training_items
from ivpcorpus.cli import app
from ivpcorpus.codebook import load_codebook
from ivpcorpus.catalog import LABEL_COLUMNS


@pytest.fixture(scope="module")
def classifier():
    return default_classifier()


def speerpunten(texts, contexts=None):
    n = len(texts)
    return pd.DataFrame({
        "item_id": [f"doc{i}#p{i}" for i in range(n)], "doc_id": "doc", "source_file": "ivp.pdf",
        "municipalities": "GM0363", "period": "2023-2026", "level": "prioriteit", "text": texts,
        "context": contexts or [""] * n, "page": list(range(1, n + 1)), "evidence": "", "confidence": 0.9,
    })


def test_sklearn_api(classifier):
    items = gold_training_items()
    X, y = items[["text", "context"]], items["thema"]
    proba = classifier.predict_proba(X.head(7))
    assert proba.shape == (7, len(classifier.classes_))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert set(classifier.classes_) == set(load_codebook().theme_ids)  # the codebook makes every theme a class
    assert list(classifier.predict(X.head(7))) == list(classifier.classes_[proba.argmax(axis=1)])
    params = classifier.get_params()
    assert params["C"] == 10.0 and params["use_knowledge"] is True
    twin = clone(classifier).set_params(C=3.0)
    assert not hasattr(twin, "model_") and twin.C == 3.0
    # plain sequences of strings work as X too
    assert twin.fit(list(X["text"]), y).predict(["Ondermijnende criminaliteit"])[0] == "ondermijning"


def test_fit_rejects_ids_not_in_codebook():
    with pytest.raises(ValueError, match="ondermijnig"):
        SpeerpuntClassifier().fit(["drugs", "jeugd"], ["ondermijnig", "jeugd_algemeen"])


def test_model_decides_what_the_knowledge_cannot(classifier):
    labels = classifier.predict_labels(pd.DataFrame({"text": ["Samen sterk tegen criminaliteit"]}))
    row = labels.iloc[0]
    assert row["evidence"].startswith("Model")
    assert row["confidence"] < 0.5  # nothing names a theme: uncertain, a candidate for review
    assert len(row["top3"].split("|")) == 3


def test_context_decides_an_ambiguous_item(classifier):
    items = pd.DataFrame({
        "text": ["weerbaarheid", "weerbaarheid"],
        "context": ["Weerbaarheid tegen ondermijnende criminaliteit, drugshandel en witwassen.",
                    "Weerbaarheid bij crises: rampenbestrijding, bevolkingszorg en uitval van vitale infrastructuur."],
    })
    labels = classifier.predict_labels(items)
    assert list(labels["thema"]) == ["ondermijning", "crisisbeheersing"]
    assert "context" in labels["evidence"].iloc[0]
    assert labels["landelijke_prioriteiten"].iloc[0] == "ondermijning"


def test_prediction_fields(classifier):
    labels = classifier.predict_labels(pd.DataFrame({"text": ["Integriteit en veiligheid: aanpak georganiseerde criminaliteit en radicalisering."]}))
    assert list(labels.columns) == PREDICTION_COLUMNS
    row = labels.iloc[0]
    assert row["thema"] == "ondermijning"
    assert row["veld"] == "integriteit_en_veiligheid"
    assert row["also"] == "polarisatie_radicalisering"
    assert row["landelijke_prioriteiten"] == "ondermijning|maatschappelijke_onrust"
    assert row["top3"].startswith("ondermijning=")


def test_training_is_deterministic():
    items = gold_training_items()
    a = SpeerpuntClassifier().fit(items[["text", "context"]], items["thema"])
    b = SpeerpuntClassifier().fit(items[["text", "context"]], items["thema"])
    probe = pd.DataFrame({"text": ["veiligheid in het centrum", "Enkhuizen boeit veilig", "digitale weerbaarheid"]})
    assert np.array_equal(a.predict_proba(probe), b.predict_proba(probe))


def test_label_speerpunten_and_corrections_override(classifier):
    table = speerpunten(["Ondermijning", "Samen sterk tegen criminaliteit"])
    corrections = pd.DataFrame([
        {"item_id": "doc1#p1", "text": "Samen sterk tegen criminaliteit", "context": "", "thema": "veelvoorkomende_criminaliteit",
         "also": "", "landelijke_prioriteiten": "", "reviewer": "A", "reviewed_at": "2026-01-01T10:00:00+00:00", "note": "", "source_file": ""},
        {"item_id": "doc1#p1", "text": "Samen sterk tegen criminaliteit", "context": "", "thema": "ondermijning",
         "also": "", "landelijke_prioriteiten": "ondermijning", "reviewer": "B", "reviewed_at": "2026-02-01T10:00:00+00:00", "note": "", "source_file": ""},
    ])
    labelled = label_speerpunten(table, classifier, load_codebook(), corrections)
    assert set(LABEL_COLUMNS) <= set(labelled.columns)
    assert list(labelled["item_id"]) == list(table["item_id"])  # all input columns and rows kept
    model_row, reviewed = labelled.iloc[0], labelled.iloc[1]
    assert (model_row["thema"], model_row["label_source"]) == ("ondermijning", "model")
    # the latest correction wins and carries its reviewer
    assert (reviewed["thema"], reviewed["landelijke_prioriteiten"], reviewed["label_source"]) == ("ondermijning", "ondermijning", "review")
    assert reviewed["veld"] == "integriteit_en_veiligheid"
    assert reviewed["label_confidence"] == 1.0 and "B" in reviewed["label_evidence"]


def test_corrections_become_training_data():
    text = "Samen sterk tegen criminaliteit"
    corrections = pd.DataFrame([{"item_id": "x#1", "text": text, "context": "", "thema": "veelvoorkomende_criminaliteit",
                                 "also": "", "landelijke_prioriteiten": "", "reviewer": "A",
                                 "reviewed_at": "2026-01-01T10:00:00+00:00", "note": "", "source_file": ""}])
    before = default_classifier().predict_proba([text])[0]
    after_clf = default_classifier(corrections)
    after = after_clf.predict_proba([text])[0]
    k = list(after_clf.classes_).index("veelvoorkomende_criminaliteit")
    assert after[k] > before[k]


def test_label_speerpunten_needs_text_and_context(classifier):
    with pytest.raises(ValueError, match="context"):
        label_speerpunten(pd.DataFrame({"item_id": ["a"], "text": ["drugs"]}), classifier, load_codebook())


def test_classify_cli(tmp_path):
    items = tmp_path / "items.csv"
    pd.DataFrame({"gemeente": ["Ede", "Ede", "Urk"], "item_text": ["Ondermijning", "Jeugd en veiligheid", "Veilig verkeer"],
                  "hoofdstuk": ["", "", "Verkeersveiligheid rond scholen"]}).to_csv(items, index=False)
    out = tmp_path / "labelled.csv"
    result = CliRunner().invoke(app, ["classify", str(items), "--text-column", "item_text", "--context-column", "hoofdstuk", "--out", str(out)])
    assert result.exit_code == 0, result.output
    labelled = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(labelled.columns) == ["gemeente", "item_text", "hoofdstuk", *PREDICTION_COLUMNS]
    assert list(labelled["thema"]) == ["ondermijning", "jeugd_algemeen", "verkeersveiligheid"]
    assert list(labelled["veld"]) == ["integriteit_en_veiligheid", "jeugd_en_veiligheid", "fysieke_veiligheid"]

    missing = CliRunner().invoke(app, ["classify", str(items), "--text-column", "tekst", "--out", str(out)])
    assert missing.exit_code == 2 and "tekst" in missing.output


def test_classification_metrics():
    gold = pd.DataFrame({"item_text": ["a", "b", "c", "d"],
                         "thema": ["ondermijning", "jeugd_algemeen", "vwl_algemeen", "huiselijk_geweld"],
                         "also": ["", "", "woonoverlast_sociale_kwaliteit", ""],
                         "landelijke_prioriteiten": ["ondermijning", "", "", "mensenhandel"]})
    predicted = pd.DataFrame({"thema": ["ondermijning", "jeugdoverlast_jeugdcriminaliteit", "woonoverlast_sociale_kwaliteit", "huiselijk_geweld"],
                              "landelijke_prioriteiten": ["ondermijning", "ondermijning", "", ""]})
    m = classification_metrics(gold, predicted)
    assert m["thema_accuracy"] == 0.5
    assert m["thema_accuracy_lenient"] == 0.75  # c predicted its gold `also`
    assert m["veld_accuracy"] == 1.0  # the confusions stay within their veld
    assert m["lp_micro_f1"] == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    assert {(c["gold"], c["predicted"]) for c in m["confusions"]} == {
        ("jeugd_algemeen", "jeugdoverlast_jeugdcriminaliteit"), ("vwl_algemeen", "woonoverlast_sociale_kwaliteit")}


def test_cross_validation_never_trains_on_the_test_plan(shared_dir):
    gold = read_gold(shared_dir / "dev" / "gold_items.csv")
    seen = []

    class Spy(SpeerpuntClassifier):
        def fit(self, X, y, sample_weight=None, landelijke_prioriteiten=None):
            seen.append(set(X["text"]))
            return super().fit(X, y, sample_weight, landelijke_prioriteiten)

    predictions = cross_validated_predictions(gold, Spy, n_splits=3)
    assert len(predictions) == len(gold) and len(seen) == 3
    metrics = classification_metrics(gold, predictions)
    assert metrics["thema_accuracy"] >= 0.9 and metrics["veld_accuracy"] >= 0.95 and metrics["lp_micro_f1"] >= 0.9


def test_evaluate_cli_reports_scores(tmp_path):
    gold = tmp_path / "gold.csv"
    pd.DataFrame({"item_id": ["x#1", "x#2", "y#1"], "plan": ["x", "x", "y"],
                  "item_text": ["Woninginbraken", "Cybercrime", "Drugs"],
                  "thema": ["veelvoorkomende_criminaliteit", "gedigitaliseerde_criminaliteit", "ondermijning"],
                  "also": "", "landelijke_prioriteiten": ["", "cybercrime", "ondermijning"]}).to_csv(gold, index=False)
    result = CliRunner().invoke(app, ["evaluate", "classification", str(gold)])
    assert result.exit_code == 0, result.output
    assert "thema nauwkeurigheid (strikt)      1.000" in result.output
    assert "landelijke prioriteiten micro-F1" in result.output

    bad = tmp_path / "bad.csv"
    pd.DataFrame({"item_text": ["x"], "thema": ["ondermijnig"], "also": [""], "landelijke_prioriteiten": [""]}).to_csv(bad, index=False)
    result = CliRunner().invoke(app, ["evaluate", "classification", str(bad)])
    assert result.exit_code == 2 and "ondermijnig" in result.output


def test_confidence_is_calibrated_out_of_fold_not_on_the_training_items():
    """With labels the wording cannot predict, the model still fits its training items, but the
    reported confidence follows the out-of-fold accuracy."""
    import random

    rng = random.Random(0)
    themes = ["veelvoorkomende_criminaliteit", "woonoverlast_sociale_kwaliteit", "verkeersveiligheid", "ondermijning"]
    words = ["straat", "plein", "park", "haven", "dorp", "wijk", "markt", "brug", "school", "station"]
    texts = [f"Aandacht voor {rng.choice(words)} {rng.choice(words)} {n}" for n in range(120)]
    labels = [rng.choice(themes) for _ in texts]
    plans = [f"plan{n % 12}" for n in range(len(texts))]
    clf = SpeerpuntClassifier().fit(pd.DataFrame({"text": texts, "plan": plans}), labels)
    oof = clf.confidence_calibration_["oof_accuracy"]
    assert oof < 0.5  # the labels are noise: out of fold the model is mostly wrong
    confidence = clf.predict_labels(pd.DataFrame({"text": texts}))["confidence"]
    assert abs(confidence.mean() - oof) < 0.15
    assert clf.predict_proba(texts).max(axis=1).mean() > confidence.mean()


def test_priorities_confidence_is_calibrated_out_of_fold():
    """Items whose coded landelijke prioriteit the wording cannot predict (half of the drug items
    are coded ondermijning, half none) get a priorities' confidence near that out-of-fold rate;
    items whose priorities always follow (none for road safety) get a high one. Without the gold
    priorities there is no such confidence."""
    import random

    rng = random.Random(1)
    places = ["straat", "plein", "park", "haven", "dorp", "wijk", "markt", "brug", "school", "station"]
    texts, themes, lps = [], [], []
    for n in range(60):
        texts.append(f"Aanpak van drugshandel rond {rng.choice(places)} {n}")
        themes.append("ondermijning")
        lps.append(rng.choice(["ondermijning", ""]))
        texts.append(f"Verkeersveiligheid rond {rng.choice(places)} {n}")
        themes.append("verkeersveiligheid")
        lps.append("")
    items = pd.DataFrame({"text": texts, "plan": [f"plan{n % 12}" for n in range(len(texts))]})
    clf = SpeerpuntClassifier().fit(items, themes, landelijke_prioriteiten=lps)
    assert 0.6 < clf.lp_confidence_calibration_["oof_accuracy"] < 0.9
    labels = clf.predict_labels(items[["text"]])
    drugs = labels["lp_confidence"][[t == "ondermijning" for t in themes]]
    roads = labels["lp_confidence"][[t == "verkeersveiligheid" for t in themes]]
    assert 0.3 < drugs.mean() < 0.7 and roads.mean() > 0.85
    assert np.isnan(SpeerpuntClassifier().fit(items, themes).predict_labels(items[["text"]])["lp_confidence"]).all()

    # Wordings that name no theme, with a thema the wording cannot predict: the model fits its
    # training items (whose priorities would then be right), but out of fold it guesses the thema,
    # and so whether ondermijning (which that thema implies) is among the priorities.
    texts = [f"Aandacht voor {rng.choice(places)} {rng.choice(places)} {n}" for n in range(120)]
    themes = [rng.choice(["ondermijning", "verkeersveiligheid"]) for _ in texts]
    lps = ["ondermijning" if t == "ondermijning" else "" for t in themes]
    items = pd.DataFrame({"text": texts, "plan": [f"plan{n % 12}" for n in range(len(texts))]})
    clf = SpeerpuntClassifier().fit(items, themes, landelijke_prioriteiten=lps)
    in_sample = clf.predict_labels(items[["text"]])
    assert (in_sample["landelijke_prioriteiten"] == lps).mean() > 0.9  # right on the items it saw
    assert clf.lp_confidence_calibration_["oof_accuracy"] < 0.7
    assert in_sample["lp_confidence"].mean() < 0.75


def test_reliability_table_and_ece_measure_overconfidence():
    from ivpcorpus.classify.evaluate import expected_calibration_error, reliability_table

    # 10 items said to be 95% sure, of which 6 right; 10 said to be 55% sure, of which 5 right
    confidence = [0.95] * 10 + [0.55] * 10
    correct = [True] * 6 + [False] * 4 + [True] * 5 + [False] * 5
    table = reliability_table(correct, confidence)
    top = table[table["bin"] == "[0.95, 1.00]"].iloc[0]
    assert top["n"] == 10 and top["accuracy"] == pytest.approx(0.6) and top["gap"] == pytest.approx(-0.35)
    assert table["n"].sum() == 20 and (table[table["n"] == 0]["accuracy"].isna()).all()
    assert expected_calibration_error(correct, confidence) == pytest.approx((10 * 0.35 + 10 * 0.05) / 20)
    assert expected_calibration_error([True, False], [1.0, 0.0]) == 0.0
    with pytest.raises(ValueError):
        reliability_table([True], [1.2])


def test_accuracy_at_coverage_keeps_the_most_confident_items():
    from ivpcorpus.classify.evaluate import accuracy_at_coverage

    confidence = [0.9, 0.2, 0.8, 0.4, 0.7, 0.3, 0.6, 0.5, 0.95, 0.1]
    correct = [c >= 0.6 for c in confidence]  # the confident half is right, the rest wrong
    table = accuracy_at_coverage(correct, confidence, coverages=(0.5, 0.8, 1.0)).set_index("coverage")
    assert table.loc[0.5, "n"] == 5 and table.loc[0.5, "accuracy"] == 1.0 and table.loc[0.5, "threshold"] == 0.6
    assert table.loc[0.8, "accuracy"] == pytest.approx(5 / 8)
    assert table.loc[1.0, "accuracy"] == 0.5


def test_landelijke_prioriteiten_scores_per_priority():
    from ivpcorpus.classify.evaluate import landelijke_prioriteiten_scores

    gold = pd.DataFrame({"landelijke_prioriteiten": ["ondermijning", "ondermijning|cybercrime", "", "cybercrime"]})
    predicted = pd.DataFrame({"landelijke_prioriteiten": ["ondermijning", "ondermijning", "ondermijning", ""]})
    scores = landelijke_prioriteiten_scores(gold, predicted).set_index("landelijke_prioriteit")
    assert scores.loc["ondermijning", "precision"] == pytest.approx(2 / 3) and scores.loc["ondermijning", "recall"] == 1.0
    assert scores.loc["cybercrime", "recall"] == 0.0 and np.isnan(scores.loc["cybercrime", "precision"])
    assert list(scores.index) == load_codebook().lp_ids
