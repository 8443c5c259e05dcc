"""Dutch NLP that works offline (issue 4).

One entry point, :func:`load`, returns a spaCy pipeline for Dutch:

* ``nl_core_news_lg`` / ``_md`` / ``_sm`` when one of them is installed, otherwise
* the pipeline this project trains and ships in ``ivpcorpus/data/nlp_model/``
  (tok2vec + morphologizer + parser + edit-tree lemmatizer, trained on UD Dutch
  LassySmall/Alpino, see ``data/nlp_model/MODEL_CARD.md`` and ``training/nlp/``).

Both get two small post-processing components, registered here:

* ``ivp_lemma_fallback``  fills lemmas the edit-tree lemmatizer could not produce from
  spaCy's Dutch lookup table (spacy-lookups-data), else the lower-cased form;
* ``ivp_lemma_exceptions`` applies the domain exception list
  ``ivpcorpus/data/nlp_lemma_exceptions.yaml`` (woninginbraken -> woninginbraak,
  jongeren -> jongere, attributive participles -> adjective lemma, ...).

:func:`lemmatize` is the helper the classifier and topic stages use.
"""
from __future__ import annotations

import functools
import gzip
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_DIR = DATA_DIR / "nlp_model"
EXCEPTIONS_PATH = DATA_DIR / "nlp_lemma_exceptions.yaml"
PACKAGES = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
# components lemmatize() does not need (names of both our pipeline and nl_core_news_*)
LEMMATIZE_DISABLE = ("parser", "senter", "ner")


# --------------------------------------------------------------------------- components
class LemmaFallback:
    """Back the edit-tree lemmatizer with spaCy's Dutch lookup table (spacy-lookups-data).

    * empty lemma (no edit tree applied) -> lookup table, else the lower-cased form;
    * NOUN/VERB/ADJ whose predicted lemma is not a known Dutch lemma (a value of the lookup
      table or a lemma seen in training, e.g. ``koninginn``) -> lookup table entry for the
      form; without one, the prediction stays only when it is plausible, an unseen compound
      of a known head after a modifier the form spells unchanged (veiligheidsvelden ->
      veiligheidsveld), else the lower-cased form: an edit tree applied to the wrong word
      shape (gebiedsgericht -> ``biedsgerichten``, a participle rule on an adverb) is worse
      than the surface form for topic words and features;
    * Title-case NOUN and VERB lemmas are lower-cased (UD lemmas for these are lower-case;
      sentence-initial or title-case words otherwise keep their capital).

    The table and known-lemma set are stored inside the pipeline (``to_disk``), so nothing
    is read from spacy-lookups-data at run time.
    """

    FIX_POS = frozenset({"NOUN", "VERB", "ADJ"})

    def __init__(self, nlp: Language, name: str, overwrite: bool = False, check_known: bool = True):
        self.name = name
        self.overwrite = overwrite
        self.check_known = check_known
        self.table: dict[str, str] = {}
        self.known: set[str] = set()

    def initialize(self, get_examples=None, nlp=None, table: dict[str, str] | None = None,
                   extra_lemmas: Iterable[str] = ()):
        if table is None:
            import spacy_lookups_data  # only when building the pipeline (`make nlp-model`): in the dev extra

            path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
            with gzip.open(path, "rt", encoding="utf8") as fh:
                table = json.load(fh)
        self.table = {k: v for k, v in table.items() if k != v}
        self.known = {v.lower() for v in self.table.values()} | {x.lower() for x in extra_lemmas}
        if get_examples is not None:
            self.known |= {t.lemma_.lower() for eg in get_examples() for t in eg.reference if t.lemma_}

    MIN_HEAD = 4  # shorter known heads ("en", "eer") would make almost any string a compound

    def plausible(self, lemma: str, form: str) -> bool:
        low = lemma.lower()
        if low in self.known or (form.endswith("e") and low == form[:-1]):  # inflected adjective
            return True
        return any(low[i:] in self.known and form.startswith(low[:i])
                   for i in range(1, len(low) - self.MIN_HEAD + 1))

    def lookup(self, text: str) -> str | None:
        return self.table.get(text) or self.table.get(text.lower())

    def __call__(self, doc: Doc) -> Doc:
        for tok in doc:
            lem = tok.lemma_
            if self.overwrite or not lem:
                tok.lemma_ = self.lookup(tok.text) or tok.lower_
                continue
            if tok.pos_ not in self.FIX_POS:
                continue
            new = lem
            if tok.pos_ != "ADJ" and len(new) > 1 and new[0].isupper() and new[1].islower() \
                    and (tok.pos_ == "VERB" or new[1:] == new[1:].lower()):
                new = new[0].lower() + new[1:]
            if self.check_known and new.lower() not in self.known:
                new = self.lookup(tok.text) or (new if self.plausible(new, tok.lower_) else tok.lower_)
            if new != lem:
                tok.lemma_ = new
        return doc

    def to_disk(self, path, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with gzip.open(path / "lookup.json.gz", "wt", encoding="utf8") as fh:
            json.dump({"table": self.table, "known": sorted(self.known)}, fh,
                      ensure_ascii=False, separators=(",", ":"))

    def from_disk(self, path, exclude=()):
        with gzip.open(Path(path) / "lookup.json.gz", "rt", encoding="utf8") as fh:
            data = json.load(fh)
        self.table, self.known = data["table"], set(data["known"])
        return self


@Language.factory("ivp_lemma_fallback", default_config={"overwrite": False, "check_known": True})
def make_lemma_fallback(nlp: Language, name: str, overwrite: bool, check_known: bool) -> LemmaFallback:
    return LemmaFallback(nlp, name, overwrite, check_known)


@functools.lru_cache(maxsize=4)
def _read_exceptions(path: str) -> tuple[dict[str, str], dict[str, str], bool]:
    import yaml

    with open(path, encoding="utf8") as fh:
        data = yaml.safe_load(fh) or {}
    lemmas = {str(k).lower(): str(v) for k, v in (data.get("lemmas") or {}).items()}
    compounds = {str(k).lower(): str(v) for k, v in (data.get("suffixes") or {}).items()}
    return lemmas, compounds, bool(data.get("participle_as_adjective", True))


class LemmaExceptions:
    """Domain lemma exceptions for IVP texts, read from package data (YAML).

    * ``lemmas``: exact lower-cased form -> lemma;
    * ``suffixes``: form ending -> lemma ending for compounds (``inbraken: inbraak``
      makes woninginbraken -> woninginbraak, fietsinbraken -> fietsinbraak);
    * ``participle_as_adjective``: attributive participles (``de georganiseerde
      criminaliteit``) get the adjective lemma (georganiseerd), not the verb (organiseren).
    """

    def __init__(self, nlp: Language, name: str, path: str | None = None):
        self.name = name
        self.path = str(path or EXCEPTIONS_PATH)
        self.lemmas, self.suffixes, self.participles = _read_exceptions(self.path)
        self._suffix_items = sorted(self.suffixes.items(), key=lambda kv: -len(kv[0]))

    def lemma_for(self, tok) -> str | None:
        low = tok.lower_
        if low in self.lemmas:
            return self.lemmas[low]
        for suf, rep in self._suffix_items:
            if low.endswith(suf) and len(low) > len(suf):
                return low[: -len(suf)] + rep
        if self.participles and tok.pos_ in ("VERB", "ADJ") and "Part" in tok.morph.get("VerbForm") \
                and self._attributive(tok):
            # de georganiseerde criminaliteit -> georganiseerd; ondermijnende -> ondermijnend
            return low[:-1] if low.endswith(("de", "te")) else low
        return None

    @staticmethod
    def _attributive(tok) -> bool:
        if tok.dep_:
            return tok.dep_ == "amod"
        # parser disabled: prenominal position
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ")

    def __call__(self, doc: Doc) -> Doc:
        for tok in doc:
            lem = self.lemma_for(tok)
            if lem is not None:
                tok.lemma_ = lem
        return doc

    # nothing to serialise: the YAML in package data is the single source of truth
    def to_disk(self, path, exclude=()):
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, exclude=()):
        return self


@Language.factory("ivp_lemma_exceptions", default_config={"path": None})
def make_lemma_exceptions(nlp: Language, name: str, path: str | None) -> LemmaExceptions:
    return LemmaExceptions(nlp, name, path)


# --------------------------------------------------------------------------- loading
def _installed_package() -> str | None:
    for name in PACKAGES:
        if spacy.util.is_package(name):
            return name
    return None


@functools.lru_cache(maxsize=8)
def _load(disable: frozenset[str]) -> Language:
    package = _installed_package()
    if package:
        nlp = spacy.load(package)
        if "ivp_lemma_exceptions" not in nlp.pipe_names:
            nlp.add_pipe("ivp_lemma_exceptions", last=True)
    else:
        if not (MODEL_DIR / "config.cfg").exists():
            raise OSError(f"No Dutch spaCy pipeline: {', '.join(PACKAGES)} not installed and "
                          f"{MODEL_DIR} missing (build it with `make nlp-model`).")
        nlp = spacy.load(MODEL_DIR)
    for name in disable:
        if name in nlp.component_names:
            nlp.disable_pipe(name)
        else:
            log.debug("load(): no component %r to disable in %s", name, nlp.meta.get("name"))
    return nlp


def load(disable: Iterable[str] = ()) -> Language:
    """Return the Dutch pipeline (cached per ``disable`` set; do not mutate it).

    ``disable`` names components to switch off (e.g. ``("parser",)`` when only
    lemmas/POS are needed). Names absent from the pipeline are ignored, so callers can
    use the same names for the shipped model and ``nl_core_news_*``.
    """
    if isinstance(disable, str):
        disable = (disable,)
    return _load(frozenset(disable))


def is_content(tok) -> bool:
    return (tok.pos_ in CONTENT_POS and not tok.is_stop and not tok.is_punct
            and not tok.like_num and len(tok.text) > 1 and any(c.isalpha() for c in tok.text))


def iter_lemmas(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[str]]:
    nlp = load(disable=LEMMATIZE_DISABLE)
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield [(tok.lemma_ or tok.lower_).lower() for tok in doc if is_content(tok)]


def lemmatize(texts: Iterable[str], batch_size: int = 64) -> list[list[str]]:
    """Lower-cased content-word lemmas (NOUN/PROPN/ADJ/VERB, no stop words) per text.

    Runs ``nlp.pipe`` in batches with the parser disabled (sentence boundaries are not
    needed for lemmas).
    """
    if isinstance(texts, str):
        texts = [texts]
    return list(iter_lemmas(texts, batch_size=batch_size))
