"""The spaCy pipeline of the entities extractor: a jieba tokenizer and the organisation recognizer.

``build_nlp(book, exclude)`` returns ``spacy.blank("zh")`` with

- a tokenizer registered as ``policy.jieba_tokenizer.v1`` that holds its *own*
  ``jieba.Tokenizer()`` instance (spaCy's built-in jieba segmenter uses jieba's
  module-level dictionary, which every other user of jieba in the process
  shares and mutates); its user dictionary is generated from the gazetteers of
  ``rules/gazetteers/`` so that known names are one token, and segmentation runs
  without the HMM so that an unknown name is never glued to its context;
- a component ``policy_orgs`` (registered with ``@Language.factory``) that runs
  :class:`~pipeline.extract.orgs.OrgRecognizer` on the doc's text with the
  token boundaries, stores the mentions in ``doc._.org_mentions`` and the
  token-aligned, non-embedded ones in ``doc.spans["orgs"]`` (label = type).

Both serialize with ``nlp.to_disk`` / ``spacy.load``: the tokenizer writes its
user words, the component writes the rule file and the (already filtered)
gazetteer it was built with, so a saved pipeline does not depend on ``rules/``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable

import jieba
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from .orgs import GAZETTEER_DIR, RULES_FILE, Gazetteer, OrgRecognizer
from .rules import COMMON_FILE, RuleSet, RuleSource, load_common_defines, load_ruleset

COMPONENT = "policy_orgs"
TOKENIZER = "policy.jieba_tokenizer.v1"
SPANS_KEY = "orgs"
_USER_WORDS = "user_words.txt"

jieba.setLogLevel(logging.WARNING)     # silence "Building prefix dict …" (log level only, no dictionary state)

if not Doc.has_extension("org_mentions"):
    Doc.set_extension("org_mentions", default=None)


# ---------------------------------------------------------------- tokenizer

class JiebaTokenizer:
    """Segmentation with a private ``jieba.Tokenizer`` and a user dictionary of known names."""

    def __init__(self, vocab, user_words: Iterable[str] = ()):
        self.vocab = vocab
        self.user_words: tuple[str, ...] = ()
        self._jieba: jieba.Tokenizer | None = None
        self.set_user_words(user_words)

    def set_user_words(self, words: Iterable[str]) -> None:
        self.user_words = tuple(sorted(set(w for w in words if w and not w.isspace())))
        self._jieba = None

    @property
    def segmenter(self) -> jieba.Tokenizer:
        if self._jieba is None:
            tk = jieba.Tokenizer()
            tk.initialize()
            for word in self.user_words:
                tk.add_word(word)          # frequency suggested by jieba: the word stays whole
            self._jieba = tk
        return self._jieba

    @property
    def word_freq(self) -> dict[str, int]:
        return self.segmenter.FREQ

    def boundaries(self, text: str, spans: Iterable[tuple[int, int]] | None = None) -> set[int]:
        """Token offsets of ``text`` (the same segmentation as ``__call__``, without building a Doc).

        jieba cuts each run of ``jieba.re_han_default`` on its own, so with ``spans`` only the runs
        that hold a span are segmented: the offsets there are exactly those of the whole text."""
        if spans is None:
            blocks = [(0, len(text))]
        else:
            spans = list(spans)
            blocks = [m.span() for m in jieba.re_han_default.finditer(text)
                      if any(m.start() < e and s < m.end() for s, e in spans)]
        out = {0, len(text)}
        for start, end in blocks:
            pos = start
            out.add(pos)
            for word in self.segmenter.cut(text[start:end], HMM=False):
                pos += len(word)
                out.add(pos)
        return out

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.segmenter.cut(text, HMM=False) if w]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    # serialization (spaCy calls these with exclude=…)
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"user_words": list(self.user_words)})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "JiebaTokenizer":
        self.set_user_words(srsly.msgpack_loads(data)["user_words"])
        return self

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / _USER_WORDS).write_text("\n".join(self.user_words) + "\n", encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = ()) -> "JiebaTokenizer":
        text = (Path(path) / _USER_WORDS).read_text(encoding="utf-8")
        self.set_user_words(text.splitlines())
        return self


@registry.tokenizers(TOKENIZER)
def create_jieba_tokenizer() -> Callable[[Language], JiebaTokenizer]:
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)
    return make


# ---------------------------------------------------------------- component

class OrgComponent:
    """spaCy component around :class:`OrgRecognizer`; its data travels with ``to_disk``."""

    def __init__(self, nlp: Language, name: str, rules_dir: str | None, exclude: list[str]):
        self.nlp = nlp
        self.name = name
        self.exclude = list(exclude)
        self.recognizer: OrgRecognizer | None = None
        self._texts: dict[str, str] = {}      # entities.toml and common.toml as loaded: what to_disk saves
        if rules_dir:
            self.load_dir(Path(rules_dir))

    def load(self, ruleset: RuleSet, gazetteer: Gazetteer, texts: dict[str, str]) -> None:
        tokenizer = self.nlp.tokenizer
        freq = tokenizer.word_freq if isinstance(tokenizer, JiebaTokenizer) else {}
        self.recognizer = OrgRecognizer.build(ruleset, gazetteer, word_freq=freq)
        self._texts = dict(texts)

    def load_book(self, book: RuleSource, gazetteer: Gazetteer) -> None:
        texts = {name: book.text(name) for name in (RULES_FILE, COMMON_FILE) if book.has(name)}
        self.load(book.ruleset(RULES_FILE.removesuffix(".toml")), gazetteer, texts)

    def load_dir(self, folder: Path, gazetteer: Gazetteer | None = None) -> None:
        """From a folder on disk (a saved pipeline, or the component's ``rules_dir`` config)."""
        folder = Path(folder)
        ruleset = load_ruleset(folder / RULES_FILE, load_common_defines(folder))
        texts = {name: (folder / name).read_text(encoding="utf-8")
                 for name in (RULES_FILE, COMMON_FILE) if (folder / name).exists()}
        self.load(ruleset, gazetteer or Gazetteer.load(folder / GAZETTEER_DIR, self.exclude), texts)

    def __call__(self, doc: Doc) -> Doc:
        if self.recognizer is None:
            raise ValueError(f"component {self.name!r} has no rules: build it with rules_dir or load it from disk")
        bounds = {t.idx for t in doc} | {len(doc.text)}
        mentions = self.recognizer(doc.text, bounds)
        doc._.org_mentions = mentions
        spans = []
        for m in mentions:
            if not m.embedded:
                span = doc.char_span(m.start, m.end, label=m.type, alignment_mode="strict")
                if span is not None:
                    spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        (path / GAZETTEER_DIR).mkdir(parents=True, exist_ok=True)
        assert self.recognizer is not None
        for name, text in self._texts.items():
            (path / name).write_text(text, encoding="utf-8")
        (path / GAZETTEER_DIR / "gazetteer.tsv").write_text(self.recognizer.gazetteer.to_tsv(), encoding="utf-8")

    def from_disk(self, path, *, exclude: Iterable[str] = ()) -> "OrgComponent":
        path = Path(path)
        # the saved gazetteer is already filtered: load it as is
        gazetteer = Gazetteer.load(path / GAZETTEER_DIR)
        self.load_dir(path, gazetteer=gazetteer)
        return self


@Language.factory(COMPONENT, default_config={"rules_dir": None, "exclude": []})
def make_org_component(nlp: Language, name: str, rules_dir: str | None, exclude: list[str]) -> OrgComponent:
    return OrgComponent(nlp, name, rules_dir, exclude)


# ---------------------------------------------------------------- building

def build_nlp(book: RuleSource, exclude: Iterable[str] = ()) -> Language:
    """``spacy.blank("zh")`` with the jieba tokenizer and the organisation recognizer.

    ``exclude``: names (and canonicals) left out of every gazetteer and of the user dictionary
    (leave-one-document-out evaluation); no file is changed.
    """
    exclude = sorted(set(exclude))
    config = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}
    nlp = spacy.blank("zh", config=config)
    gazetteer = Gazetteer.from_rulebook(book, exclude)
    nlp.tokenizer.set_user_words(gazetteer.entries)
    component = nlp.add_pipe(COMPONENT, config={"rules_dir": None, "exclude": exclude})
    component.load_book(book, gazetteer)
    return nlp


def load_nlp(path: Path) -> Language:
    """A pipeline saved with ``nlp.to_disk`` (this module registers its parts on import)."""
    return spacy.load(path)


__all__ = ["build_nlp", "load_nlp", "JiebaTokenizer", "OrgComponent", "COMPONENT", "TOKENIZER", "SPANS_KEY"]
