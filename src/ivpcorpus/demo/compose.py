"""Compose one synthetic plan: its chapters, blocks and the items it states (ground truth).

Everything here is format-neutral and drawn from a per-plan seeded RNG, so a plan's content
depends only on its `PlanSpec`. Distractors are deliberate: the evaluation of the previous
period lists old priorities, the veiligheidsbeeld and the appendix name many themes, and
goals/actions and sub-bullets hang under the priorities without being items themselves.
"""

from __future__ import annotations

import random
from functools import cache

import yaml

from ivpcorpus.codebook import Codebook, reference_path
from ivpcorpus.demo.model import (
    SYNTHETIC_MARKER, Chapter, Document, Heading, Item, ListBlock, ListEntry, Paragraph, Phrase, PhraseBank, Table,
)
from ivpcorpus.demo.roster import PlanSpec

NUMBER_WORDS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "september", "oktober", "november", "december")
CRIME_ROWS = ("Woninginbraak", "Fietsdiefstal", "Geweldsmisdrijven", "Vernieling en vandalisme", "Winkeldiefstal",
              "Online oplichting", "Drugshandel", "Meldingen verward gedrag", "Meldingen jeugdoverlast")


@cache
def kernbeleid() -> dict:
    with open(reference_path("kernbeleid_veiligheid.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def written_period(period: str, rng: random.Random) -> str:
    """The period as a plan prints it: "2023-2026", "2023 - 2026", "2023 t/m 2026", ..."""
    start, end = period.split("-")
    pattern = rng.choices(["{a}-{b}", "{a} - {b}", "{a} t/m {b}", "{a}–{b}"], [6, 2, 2, 1])[0]
    return pattern.format(a=start, b=end)


def join_dutch(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def inline_form(text: str) -> str:
    """A list item as it reads inside a sentence: lower-case unless it starts with a name."""
    words = text.split()
    if len(words) > 1 and words[1][:1].isupper() or words[0].isupper() or words[0] in ("Keurmerk",):
        return text
    return text[:1].lower() + text[1:]


class PlanComposer:
    """Builds the `Document` and the `Item`s of one plan."""

    def __init__(self, spec: PlanSpec, bank: PhraseBank, codebook: Codebook):
        self.spec, self.bank, self.codebook = spec, bank, codebook
        self.rng = random.Random(spec.seed)
        self.items: list[Item] = []
        self.periode = written_period(spec.period, self.rng)
        self.naam = spec.name
        self._anchors = 0

    # -- helpers ---------------------------------------------------------------------------
    def pick(self, key: str) -> str:
        return self.fill(self.rng.choice(self.bank.texts[key]))

    def fill(self, template: str, **extra: str) -> str:
        start = int(self.spec.period[:4])
        values = dict(naam=self.naam, periode=self.periode, oud=f"{start - 4}-{start - 1}", jaar=str(start - 1),
                      va="2023-2026" if start >= 2023 else "2019-2022", pct=str(self.rng.randint(18, 41)),
                      cijfer=f"{self.rng.randint(68, 79) / 10:.1f}".replace(".", ","),
                      meldingen=str(self.rng.randint(40, 900)), eenheid=self.spec.politie_eenheid)
        values.update(extra)
        return template.format(**values)

    def anchor(self) -> str:
        self._anchors += 1
        return f"{self.spec.slug}-a{self._anchors}"

    def draw_phrases(self, count: int, exclude_themes: set[str], tier2: bool) -> list[Phrase]:
        """`count` phrases of distinct themes, weighted by how often plans choose a theme."""
        themes = [t for t in self.bank.speerpunten if t not in exclude_themes]
        chosen: list[Phrase] = []
        while len(chosen) < count and themes:
            thema = self.rng.choices(themes, [self.bank.weights[t] for t in themes])[0]
            themes.remove(thema)
            options = [p for p in self.bank.speerpunten[thema]
                       if (p.tier2 or not tier2) and not ("{naam}" in p.text and self.spec.joint)]
            if options:
                chosen.append(self.rng.choice(options))
        return chosen

    def add_item(self, phrase: Phrase, text: str, level: str, form: str, anchor: str) -> None:
        self.items.append(Item(anchor, text, level, phrase.thema, list(phrase.also), list(phrase.lp), form))

    # -- the document ----------------------------------------------------------------------
    def compose(self) -> tuple[Document, list[Item]]:
        spec, rng = self.spec, self.rng
        form = spec.priority_form
        n_priorities = 0 if form == "none" else rng.randint(3, 6)
        priorities = self.draw_phrases(n_priorities, set(), tier2=False)
        n_tier2 = 0 if form == "none" else rng.randint(0, 2) if form == "chapters" else rng.randint(0, 5)
        tier2 = self.draw_phrases(n_tier2, {p.thema for p in priorities}, tier2=True)

        chapters: list[Chapter] = []
        if rng.random() < 0.7:
            chapters.append(Chapter("Voorwoord", "", [Paragraph(self.fill(t)) for t in self.bank.texts["prose"]["voorwoord"]]))
        has_visie = form == "none" or rng.random() < 0.4
        # inleiding, [visie], evaluatie and veiligheidsbeeld come before the priority chapters
        first_priority_chapter = 4 + has_visie
        numbered: list[Chapter] = [self.inleiding(form, first_priority_chapter, len(priorities))]
        if has_visie:
            numbered.append(self.visie(form))
        numbered.append(self.evaluatie())
        numbered.append(self.veiligheidsbeeld())
        if form == "chapters":
            numbered.extend(self.priority_chapters(priorities))
            if tier2:
                numbered.append(Chapter(self.pick("tier2_headings"), "", self.tier2_blocks(tier2, in_own_chapter=True)))
        elif form != "none":
            chapter = Chapter(self.pick("announce_headings"), "", [])
            chapter.blocks = self.priority_blocks(priorities, form)
            if tier2 and rng.random() < 0.5:
                chapter.blocks += self.tier2_blocks(tier2, in_own_chapter=False)
                numbered.append(chapter)
            else:
                numbered.append(chapter)
                if tier2:
                    numbered.append(Chapter(self.pick("tier2_headings"), "", self.tier2_blocks(tier2, in_own_chapter=True)))
        numbered.append(self.organisatie())
        for i, chapter in enumerate(numbered, start=1):
            self.number_chapter(chapter, str(i))
        chapters.extend(numbered)
        chapters.append(self.bijlage())
        return self.document(chapters), self.items

    def document(self, chapters: list[Chapter]) -> Document:
        spec, rng = self.spec, self.rng
        title = [self.fill(line) for line in rng.choice(self.bank.texts["titles"])]
        if spec.joint:
            title.append("Gemeenten " + join_dutch([m for m in spec.municipalities]))
        year = int(spec.period[:4]) - rng.choice([0, 0, 1])
        adopted = f"Vastgesteld door de gemeenteraad op {rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"
        cover = [adopted, SYNTHETISCH_NOTICE]
        header = f"Integraal Veiligheidsplan {self.periode} | {self.naam}"
        return Document(title, header, cover, chapters)

    def number_chapter(self, chapter: Chapter, number: str) -> None:
        chapter.number = number
        sub = 0
        for block in chapter.blocks:
            if isinstance(block, Heading) and block.level == 2 and block.number == "#":
                sub += 1
                block.number = f"{number}.{sub}"
            elif isinstance(block, Heading) and block.number == "#":
                block.number = ""

    # -- chapters --------------------------------------------------------------------------
    def inleiding(self, form: str, first_priority_chapter: int, n_priorities: int) -> Chapter:
        prose = self.bank.texts["prose"]
        blocks: list = [Paragraph(self.fill(t)) for t in prose["inleiding"]]
        if self.spec.joint:
            blocks.insert(1, Paragraph(
                f"Dit plan is gezamenlijk opgesteld door de gemeenten {join_dutch(list(self.spec.municipalities))}. "
                "De gemeenten delen één basisteam van de politie en werken op veel thema's samen; waar nodig "
                "maakt iedere gemeente lokale accenten in het eigen uitvoeringsprogramma."))
        if form == "chapters":
            blocks.append(Heading("Leeswijzer", 2, "#"))
            last = first_priority_chapter + n_priorities - 1
            blocks.append(Paragraph(self.fill(self.rng.choice(self.bank.texts["chapters_intro"]),
                                              first=str(first_priority_chapter), last=str(last))))
        return Chapter("Inleiding", "", blocks)

    def visie(self, form: str) -> Chapter:
        blocks: list = [Paragraph(self.fill(t)) for t in self.bank.texts["prose"]["visie"]]
        if form == "none":
            blocks.insert(0, Paragraph(self.pick("no_priorities_statement")))
            blocks.append(Heading("Uitgangspunten", 2, "#"))
            blocks.append(ListBlock([ListEntry(t) for t in (
                "Preventie gaat voor repressie", "We werken samen en delen informatie",
                "We sluiten aan bij wat inwoners en ondernemers zelf doen", "We leren van wat werkt")]))
        return Chapter(self.rng.choice(["Visie", "Visie en koers", "Missie en visie"]), "", blocks)

    def evaluatie(self) -> Chapter:
        old = self.draw_phrases(self.rng.randint(3, 4), set(), tier2=False)
        intro = self.pick("evaluation_intro")
        blocks: list = []
        if intro.endswith(":"):
            blocks += [Paragraph(intro), ListBlock([ListEntry(p.text.replace("{naam}", self.naam)) for p in old])]
        else:
            blocks.append(Paragraph(f"{intro} {join_dutch([inline_form(p.text.replace('{naam}', self.naam)) for p in old])}."))
        blocks += [Paragraph(self.fill(t)) for t in self.bank.texts["prose"]["evaluatie"]]
        return Chapter(self.rng.choice(["Evaluatie vorige periode", "Terugblik", "Wat hebben we bereikt?"]), "", blocks)

    def veiligheidsbeeld(self) -> Chapter:
        rng = self.rng
        paragraphs = [Paragraph(self.fill(t)) for t in self.bank.texts["prose"]["veiligheidsbeeld"]]
        start = int(self.spec.period[:4])
        years = [str(start - 3), str(start - 2), str(start - 1)]
        rows = []
        for label in rng.sample(CRIME_ROWS, rng.randint(5, len(CRIME_ROWS))):
            base = rng.randint(8, 900)
            rows.append([label] + [str(max(0, base + rng.randint(-base // 4, base // 4))) for _ in years])
        table = Table(["Delict / melding"] + years, rows,
                      caption=f"Tabel 1. Geregistreerde misdrijven en meldingen in {self.naam} (politie, {years[-1]})")
        blocks: list = paragraphs[:2] + [table] + paragraphs[2:]
        if rng.random() < 0.6:
            lp_names = [self.codebook.lp_name(i) for i in self.codebook.lp_ids]
            intro = self.pick("national_intro")
            blocks += [Heading("Landelijke en regionale kaders", 2, "#"), Paragraph(self.fill(self.bank.texts["prose"]["landelijk"][0]))]
            if intro.endswith(":"):
                blocks += [Paragraph(intro), ListBlock([ListEntry(n) for n in lp_names])]
            else:
                blocks.append(Paragraph(f"{intro} {join_dutch([n[:1].lower() + n[1:] for n in lp_names])}."))
        two_column = self.spec.layout == "word" and rng.random() < 0.5
        return Chapter(rng.choice(["Veiligheidsbeeld", "Veiligheidsanalyse", "Hoe veilig is {naam}?"]).format(naam=self.naam),
                       "", blocks, two_column=two_column)

    def priority_blocks(self, priorities: list[Phrase], form: str) -> list:
        rng = self.rng
        n = len(priorities)
        texts = [p.text.replace("{naam}", self.naam) for p in priorities]
        blocks: list = [Paragraph("De keuze voor de prioriteiten is gemaakt op basis van de veiligheidsanalyse, de "
                                  "evaluatie van het vorige plan en gesprekken met inwoners, raad en partners.")]
        announce = self.fill(rng.choice(self.bank.texts["announce_list"]), n=NUMBER_WORDS[n])
        if form in ("numbered_list", "bullets", "nested_list"):
            ending = rng.choice(["none", "semicolon", "none"])
            entries = []
            for i, (phrase, text) in enumerate(zip(priorities, texts)):
                if ending == "semicolon":
                    text = inline_form(text) + (";" if i < n - 1 else ".")
                children = []
                if form == "nested_list":
                    children = self.sub_bullets(phrase)
                anchor = self.anchor()
                entries.append(ListEntry(text, anchor, children))
                self.add_item(phrase, text, "prioriteit", form, anchor)
            blocks += [Paragraph(announce), ListBlock(entries, ordered=form == "numbered_list")]
            if rng.random() < 0.4:  # the list is followed by a section per priority that repeats its name
                for phrase, text in zip(priorities, texts):
                    blocks += [Heading(text, 2, "#"), Paragraph(self.context(phrase))]
        elif form == "heading":
            prefix = rng.choice(self.bank.texts["heading_item_prefix"])
            blocks.append(Paragraph(f"We kiezen voor {NUMBER_WORDS[n]} prioriteiten. Hieronder werken we ze een voor een uit: "
                                    "wat willen we bereiken en wat gaan we daarvoor doen."))
            for i, (phrase, text) in enumerate(zip(priorities, texts), start=1):
                anchor = self.anchor()
                blocks.append(Heading(prefix.format(i=i) + text, 2, "#", anchor))
                self.add_item(phrase, text, "prioriteit", form, anchor)
                blocks += self.goals_and_actions(phrase)
        elif form == "table":
            anchors = {}
            rows = []
            for i, (phrase, text) in enumerate(zip(priorities, texts)):
                anchors[i] = self.anchor()
                rows.append([text, rng.choice(self.bank.texts["goals"]).format(jaar=int(self.spec.period[:4]) - 1),
                             rng.choice(["Gemeente", "Politie", "Gemeente en politie", "Zorgpartners", "RIEC"])])
                self.add_item(phrase, text, "prioriteit", form, anchors[i])
            blocks += [Paragraph(self.pick("announce_table")),
                       Table(["Prioriteit", "Wat willen we bereiken?", "Trekker"], rows,
                             caption=f"Tabel 2. Prioriteiten {self.periode}", row_anchors=anchors)]
        elif form == "sentence":
            anchor = self.anchor()
            inline = [inline_form(t) for t in texts]
            sentence = self.fill(rng.choice(self.bank.texts["announce_sentence"]), items=join_dutch(inline))
            blocks.append(Paragraph(sentence, anchor))
            for phrase, text in zip(priorities, inline):
                self.add_item(phrase, text, "prioriteit", form, anchor)
            blocks.append(Paragraph("Per prioriteit werken we in het uitvoeringsprogramma uit welke partners wat doen."))
        return blocks

    def priority_chapters(self, priorities: list[Phrase]) -> list[Chapter]:
        chapters = []
        for phrase in priorities:
            text = phrase.text.replace("{naam}", self.naam)
            anchor = self.anchor()
            chapters.append(Chapter(text, "", [Paragraph(self.context(phrase))] + self.goals_and_actions(phrase),
                                    anchor=anchor))
            self.add_item(phrase, text, "prioriteit", "chapters", anchor)
        return chapters

    def tier2_blocks(self, tier2: list[Phrase], in_own_chapter: bool) -> list:
        rng = self.rng
        texts = [p.text for p in tier2]
        form = rng.choice(["bullets", "sentence", "heading"]) if len(tier2) > 1 else rng.choice(["bullets", "sentence"])
        blocks: list = [] if in_own_chapter else [Heading(self.pick("tier2_headings"), 2, "#")]
        if form == "bullets":
            anchor = self.anchor()
            entries = []
            for phrase, text in zip(tier2, texts):
                entry_anchor = self.anchor()
                entries.append(ListEntry(text, entry_anchor))
                self.add_item(phrase, text, "overig_thema", form, entry_anchor)
            blocks += [Paragraph(self.pick("tier2_list_intro"), anchor), ListBlock(entries)]
        elif form == "sentence":
            anchor = self.anchor()
            inline = [inline_form(t) for t in texts]
            blocks.append(Paragraph(self.fill(rng.choice(self.bank.texts["tier2_sentence"]), items=join_dutch(inline)), anchor))
            for phrase, text in zip(tier2, inline):
                self.add_item(phrase, text, "overig_thema", form, anchor)
        else:
            blocks.append(Paragraph("Deze thema's hebben geen prioriteit, maar vragen wel om blijvende aandacht binnen de reguliere aanpak."))
            for phrase, text in zip(tier2, texts):
                anchor = self.anchor()
                blocks += [Heading(text, 3, "", anchor), Paragraph(
                    "Hier zetten we de bestaande aanpak voort. Extra inzet volgt alleen als de cijfers daar aanleiding toe geven.")]
                self.add_item(phrase, text, "overig_thema", form, anchor)
        return blocks

    def organisatie(self) -> Chapter:
        prose = self.bank.texts["prose"]
        rng = self.rng
        budget = [["Uitvoeringsprogramma veiligheid", f"{rng.randint(60, 400)}.000"],
                  ["Cameratoezicht", f"{rng.randint(15, 120)}.000"],
                  ["Bijdrage RIEC en Zorg- en Veiligheidshuis", f"{rng.randint(20, 150)}.000"],
                  ["Communicatie en campagnes", f"{rng.randint(5, 40)}.000"]]
        blocks = [Paragraph(self.fill(prose["organisatie"][0])), Heading("Samenwerking", 2, "#"),
                  Paragraph(self.fill(prose["organisatie"][1])), Heading("Financiën", 2, "#"),
                  Paragraph(self.fill(prose["organisatie"][2])),
                  Table(["Post", "Budget per jaar (euro)"], budget, caption="Tabel 3. Begroting integrale veiligheid")]
        return Chapter(rng.choice(["Organisatie en financiën", "Organisatie, sturing en middelen", "Uitvoering en organisatie"]), "", blocks)

    def bijlage(self) -> Chapter:
        """Appendix listing every Kernbeleid veld and theme: it names all themes and chooses none."""
        blocks: list = [Paragraph("Kernbeleid Veiligheid onderscheidt de volgende veiligheidsvelden en thema's. "
                                  "Deze indeling is gebruikt voor de veiligheidsanalyse.")]
        for veld in kernbeleid()["fields"]:
            blocks += [Heading(veld["name"], 2), ListBlock([ListEntry(t["name"]) for t in veld["themes"]])]
        blocks += [Heading("Domeinoverstijgende thema's (2021)", 2),
                   ListBlock([ListEntry(t["name"]) for t in kernbeleid()["cross_cutting_themes_2021"]["themes"]])]
        return Chapter("Bijlage 1: Veiligheidsvelden en thema's", "", blocks)

    # -- parts -----------------------------------------------------------------------------
    def context(self, phrase: Phrase) -> str:
        covers = self.fill(phrase.covers) if phrase.covers else ""
        return " ".join(x for x in (covers, self.pick_prose("item_context")) if x)

    def pick_prose(self, key: str) -> str:
        return self.fill(self.rng.choice(self.bank.texts["prose"][key]))

    def goals_and_actions(self, phrase: Phrase) -> list:
        rng, texts = self.rng, self.bank.texts
        goals = [self.fill(g) for g in rng.sample(texts["goals"], 2)]
        actions = rng.sample(texts["actions"], rng.randint(2, 4))
        return [Paragraph(self.context(phrase)),
                Paragraph(self.pick_prose("doel_intro"), emphasis=True), ListBlock([ListEntry(g) for g in goals]),
                Paragraph(self.pick_prose("actie_intro"), emphasis=True), ListBlock([ListEntry(a) for a in actions])]

    def sub_bullets(self, phrase: Phrase) -> list[str]:
        """Sub-themes under a priority: other wordings of the same theme, or actions."""
        same = [p.text for p in self.bank.speerpunten[phrase.thema] if p is not phrase and "{naam}" not in p.text]
        pool = same if same and self.rng.random() < 0.6 else self.bank.texts["actions"]
        return [inline_form(t) for t in self.rng.sample(pool, min(len(pool), self.rng.randint(1, 3)))]


SYNTHETISCH_NOTICE = (f"{SYNTHETIC_MARKER}. Dit plan is automatisch gegenereerd voor demonstraties en tests van "
                      "ivpcorpus. De gemeente bestaat, maar dit plan, de cijfers en de keuzes zijn verzonnen.")


def compose_plan(spec: PlanSpec, bank: PhraseBank, codebook: Codebook) -> tuple[Document, list[Item]]:
    return PlanComposer(spec, bank, codebook).compose()
