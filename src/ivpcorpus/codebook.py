"""The codebook: the canonical label set (velden, thema's, landelijke prioriteiten).

It is data, loaded from one YAML file shipped in the package (a copy of
`shared/reference/codebook.yaml`), and used by the rules, the classifier, the report and
the topic seeding alike. Nothing else in the package spells out a label id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

REFERENCE = "data/reference"


def reference_path(name: str) -> Path:
    """Path of a reference file shipped inside the package (codebook, registry, ...)."""
    return Path(str(resources.files("ivpcorpus").joinpath(REFERENCE, name)))


@dataclass(frozen=True)
class Veld:
    id: str
    name: str


@dataclass(frozen=True)
class Theme:
    id: str
    veld: str
    name: str
    use_for: str


@dataclass(frozen=True)
class LandelijkePrioriteit:
    id: str
    name: str
    use_for: str


@dataclass(frozen=True)
class Codebook:
    version: str
    velden: tuple[Veld, ...]
    themes: tuple[Theme, ...]
    landelijke_prioriteiten: tuple[LandelijkePrioriteit, ...]
    decision_rules: tuple[str, ...]
    _themes_by_id: dict[str, Theme] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._themes_by_id.update({t.id: t for t in self.themes})
        veld_ids = {v.id for v in self.velden}
        unknown = {t.veld for t in self.themes} - veld_ids
        if unknown:
            raise ValueError(f"codebook: themes refer to unknown velden {sorted(unknown)}")

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    @property
    def veld_ids(self) -> list[str]:
        return [v.id for v in self.velden]

    @property
    def lp_ids(self) -> list[str]:
        return [p.id for p in self.landelijke_prioriteiten]

    def theme(self, theme_id: str) -> Theme:
        try:
            return self._themes_by_id[theme_id]
        except KeyError:
            raise KeyError(f"unknown thema id {theme_id!r}; see the codebook") from None

    def veld_of(self, theme_id: str) -> str:
        """The veld follows from the thema; it is never labelled separately."""
        return self.theme(theme_id).veld

    def veld_name(self, veld_id: str) -> str:
        return next(v.name for v in self.velden if v.id == veld_id)

    def lp_name(self, lp_id: str) -> str:
        return next(p.name for p in self.landelijke_prioriteiten if p.id == lp_id)


def parse_codebook(raw: dict) -> Codebook:
    return Codebook(
        version=str(raw["version"]),
        velden=tuple(Veld(v["id"], v["name"]) for v in raw["velden"]),
        themes=tuple(Theme(t["id"], t["veld"], t["name"], t.get("use_for", "")) for t in raw["themes"]),
        landelijke_prioriteiten=tuple(
            LandelijkePrioriteit(p["id"], p["name"], p.get("use_for", ""))
            for p in raw["landelijke_prioriteiten"]
        ),
        decision_rules=tuple(raw.get("decision_rules", [])),
    )


@lru_cache(maxsize=None)
def load_codebook(path: Path | None = None) -> Codebook:
    """Load the codebook shipped with the package (or another YAML file of the same form)."""
    path = path or reference_path("codebook.yaml")
    with open(path, encoding="utf-8") as fh:
        return parse_codebook(yaml.safe_load(fh))


@lru_cache(maxsize=None)
def load_ccv_2020_shares() -> dict[str, float]:
    """The CCV's 2020 shares of speerpunten by codebook id (veld or thema), from the shipped
    reference file: what the analysis compares today's shares with."""
    with open(reference_path("ccv_landelijke_analyse_ivp.yaml"), encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    prefix = "share_speerpunten_"
    return {f["metric"][len(prefix):]: float(f["value"]) for f in raw["figures"]["quantitative"]
            if f["metric"].startswith(prefix) and f.get("value") is not None}
