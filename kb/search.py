"""Words of an article for search, in Chinese and English, the same on SQLite and
PostgreSQL: an inverted index in a table (`ArticleTerm`, B-tree on the term).

Chinese has no spaces, so a run of Han characters is indexed as its single characters
and its overlapping two-character pairs (the CJK bigram scheme of Lucene's
CJKBigramFilter): "主轴轴承磨损" holds 轴承 and 磨损, and a query "轴承磨损" asks for
轴承, 承磨 and 磨损. Latin words are lower-cased (NFKC first, so full-width letters
match) with a light plural folding ("bearings" finds "bearing")."""

import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"([{HAN}]+)|([0-9a-z]+)")
MAX_TERM = 40
# Words too common to tell articles apart.
_STOP = "a an and are as at be but by do does for from has have in is it its no not of on or the"
STOP_WORDS = frozenset(_STOP.split() + ["this", "to", "was", "when", "with"])


def _fold(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(text: str):
    for han, latin in TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower()):
        yield (han, True) if han else (latin, False)


def index_terms(text: str) -> set[str]:
    """Every term the text can be found by."""
    terms = set()
    for run, is_han in _runs(text):
        if is_han:
            terms.update(run)
            terms.update(run[i : i + 2] for i in range(len(run) - 1))
        elif run not in STOP_WORDS:
            terms.add(_fold(run)[:MAX_TERM])
    return terms


def query_terms(text: str) -> list[str]:
    """The terms a query asks for: bigrams of Chinese runs (one character alone stays
    a unigram), folded Latin words, stop words left out; in order, without repeats."""
    terms = []
    for run, is_han in _runs(text):
        if is_han:
            terms += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        elif run not in STOP_WORDS:
            terms.append(_fold(run)[:MAX_TERM])
    return list(dict.fromkeys(terms))
