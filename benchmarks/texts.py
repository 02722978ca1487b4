"""Seeded synthetic review texts for the text engine's benchmark (:mod:`benchmarks.bench_themes`).

Reviews with titles and texts that look, to :mod:`scoring.text`, like real ones:

- words drawn with Zipf-like frequencies (rank r has weight ``1 / (r + 2.7) ** 1.07``)
  from a few thousand per language: common function words (almost all of them in the
  engine's stop-word lists), a hand-written head of review words (``service``,
  ``order``, ``Kundenservice``), then real word forms taken from ``simplemma``'s own
  English and German dictionaries (so the lemmatiser finds most words, as in real
  text, and reduces inflected forms to fewer lemmas);
- topics: each sentence is about one of seven (delivery, refunds, customer service,
  quality, price, praise, the app and login), with words and fixed phrases
  (``"customer service"``, ``"money back"``) drawn from it; which topics a review
  talks about depends on its stars, so 1-2 star reviews read differently from 4-5
  star ones;
- a period in which one topic rises: in the last :data:`RISE_DAYS` days the app and
  login topic becomes five times as likely in 1-2 star reviews (and doubles in
  3-star ones), as after a failed app release;
- names (staff, the company) written with a capital, numbers and prices, and typos
  (about one in a hundred content words has a letter dropped, doubled, swapped or
  changed), which give the long tail of rare word forms real text has: the number
  of distinct words grows with the number of reviews;
- lengths (in draws, each a word or one of the topics' fixed phrases): titles 2-6
  (3% none), texts 5-150 (median about 30, 4% none), and one in 300 very long
  (600-3,000, longer than the engine's 5,000-character cut); sentences of about 11,
  capitalised, ending in ``.``, ``!`` or ``?``;
- :data:`GERMAN_SHARE` of the reviews in German (German topics, stop words and
  dictionary words, nouns capitalised);
- times over :data:`YEARS` years ending at :data:`benchmarks.data.END` (volume
  rising over the span) and stars from :data:`benchmarks.data.STAR_MIX`, as the
  other benchmarks draw them.

The table has ``created_at``, ``rating``, ``title``, ``text`` and ``company`` (one
name) and, with ``language_column=True``, the export's ``language`` (``"en"`` or
``"de"``); without it the engine detects the languages, the case of exports that do
not say (Google Maps). A size and a seed always give the same table (the word lists
come from the pinned ``simplemma`` version's dictionaries).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.data import END, ratings, review_times_us

YEARS = 5
RISE_DAYS = 91
GERMAN_SHARE = 0.09
CHUNK_ROWS = 50_000
GENERAL_WORDS = {"en": 3_000, "de": 2_000}
"""Dictionary word forms drawn per language (after the hand-written head)."""
COMPANY = "Larkspur Mutual (synthetic)"
SENTENCE_WORDS = 11  # mean words per sentence of a text
TYPO_SHARE = 0.012  # of content words (not stop words, names or numbers)
ZIPF_S = 1.07
ZIPF_Q = 2.7

# Word kinds: stop word, general word, topic word, name or number.
KINDS = ("stop", "general", "topic", "name")
TEXT_KIND_SHARES = (0.46, 0.36, 0.16, 0.02)
TITLE_KIND_SHARES = (0.15, 0.30, 0.53, 0.02)

TOPICS = ("delivery", "refund", "support", "quality", "price", "praise", "app")
RISING_TOPIC = "app"
TOPIC_WEIGHTS = {  # per star: the chance a sentence is about each topic (TOPICS order)
    1: (0.22, 0.22, 0.24, 0.14, 0.08, 0.02, 0.08),
    2: (0.20, 0.15, 0.22, 0.18, 0.12, 0.05, 0.08),
    3: (0.15, 0.06, 0.12, 0.17, 0.25, 0.17, 0.08),
    4: (0.12, 0.02, 0.08, 0.06, 0.17, 0.50, 0.05),
    5: (0.10, 0.01, 0.06, 0.03, 0.10, 0.65, 0.05),
}
RISE_FACTOR = {1: 5.0, 2: 5.0, 3: 2.0, 4: 1.0, 5: 1.0}
"""How much likelier the rising topic is in the rising period, per star."""

STOP = {
    "en": ("the", "and", "i", "to", "a", "it", "was", "my", "of", "for", "they", "with", "in",
           "is", "not", "that", "this", "have", "on", "but", "me", "you", "be", "so", "had",
           "were", "very", "at", "we", "no", "all", "would", "there", "are", "from", "as",
           "an", "our", "or", "what", "if", "been", "them", "when", "after", "which", "their",
           "just", "only", "about", "again", "because", "then", "did", "do", "can", "could",
           "will", "than", "more", "any", "who", "how", "its", "by", "out", "up", "your"),
    "de": ("ich", "und", "die", "der", "nicht", "das", "ist", "zu", "es", "sehr", "mit", "ein",
           "war", "sie", "auf", "den", "mir", "für", "wir", "eine", "auch", "aber", "von",
           "dass", "hat", "bei", "noch", "nach", "habe", "wurde", "so", "man", "im", "dem",
           "mein", "meine", "schon", "nur", "wie", "keine", "kein", "wird", "nach", "einen",
           "dann", "da", "wenn", "oder", "alle", "mich", "uns", "was", "bis", "vom", "zum"),
}
HEAD = {
    "en": ("service", "time", "order", "good", "great", "company", "staff", "really", "easy",
           "customer", "day", "days", "week", "weeks", "month", "experience", "product",
           "products", "people", "never", "always", "well", "better", "best", "bad",
           "terrible", "made", "got", "told", "said", "asked", "called", "waiting", "back",
           "still", "even", "year", "years", "new", "last", "long", "lot", "nothing",
           "everything", "nice", "happy", "problem", "problems", "issue", "issues", "help",
           "team", "person", "online", "information", "policy", "insurance", "claim",
           "account", "item", "items", "work", "worked", "call", "received", "sent", "used",
           "use", "thing", "things", "money", "way", "first", "times", "done", "took",
           "need", "needed", "pay", "paid", "buy", "bought", "ordered", "answer", "answered",
           "letter", "response", "sorted", "simple", "process", "hours", "minutes"),
    "de": ("Service", "Zeit", "Bestellung", "gut", "super", "Firma", "Mitarbeiter", "wirklich",
           "einfach", "Kunde", "Tag", "Tage", "Woche", "Wochen", "Monat", "Erfahrung",
           "Produkt", "Produkte", "immer", "nie", "besser", "schlecht", "gemacht", "gesagt",
           "angerufen", "warten", "zurück", "Jahr", "Jahre", "neu", "lange", "nichts",
           "alles", "nett", "Problem", "Probleme", "Hilfe", "Team", "Versicherung", "Konto",
           "Artikel", "bestellt", "erhalten", "geschickt", "Geld", "bezahlt", "Antwort",
           "Stunden", "Minuten", "leider", "wieder", "heute", "Vertrag", "Schaden"),
}
TOPIC_WORDS = {
    "en": {
        "delivery": ("delivery", "delivered", "late", "delay", "delayed", "parcel", "courier",
                     "tracking number", "arrived", "days late", "driver", "dispatch",
                     "shipping", "next day delivery", "left outside", "missing parcel"),
        "refund": ("refund", "refunded", "money back", "charged", "overcharged", "cancel",
                   "cancelled", "cancellation", "payment", "bank", "refund request",
                   "charged twice", "direct debit", "compensation", "fee"),
        "support": ("customer service", "phone", "on hold", "rude", "ignored", "email",
                    "emails", "no reply", "agent", "complaint", "live chat", "hung up",
                    "call centre", "manager", "chased", "escalated"),
        "quality": ("broken", "damaged", "faulty", "cheap", "quality", "poor quality",
                    "returned", "return", "replacement", "defective", "stopped working",
                    "wrong size", "wrong item", "scratched"),
        "price": ("price", "prices", "expensive", "value", "value for money", "cheaper",
                  "discount", "deal", "offer", "premium", "renewal price", "quote",
                  "competitive", "good price"),
        "praise": ("friendly", "helpful", "quick", "easy", "recommend", "highly recommend",
                   "excellent service", "great service", "smooth", "fast delivery", "thank",
                   "thanks", "polite", "efficient", "professional", "brilliant",
                   "hassle free", "would recommend", "five stars", "spot on"),
        "app": ("app", "login", "log in", "password", "update", "new app", "crash", "crashes",
                "account locked", "locked out", "website", "error message", "verification code",
                "two factor", "app update", "reset password"),
    },
    "de": {
        "delivery": ("Lieferung", "geliefert", "spät", "Verspätung", "verspätet", "Paket",
                     "Zusteller", "Sendungsnummer", "angekommen", "Versand", "Lieferzeit"),
        "refund": ("Rückerstattung", "erstattet", "Geld zurück", "abgebucht", "storniert",
                   "Stornierung", "Zahlung", "Bank", "doppelt abgebucht", "Gebühr"),
        "support": ("Kundenservice", "Hotline", "Warteschleife", "unfreundlich", "ignoriert",
                    "E-Mail", "keine Antwort", "Beschwerde", "Chat", "aufgelegt"),
        "quality": ("kaputt", "beschädigt", "defekt", "billig", "Qualität",
                    "schlechte Qualität", "zurückgeschickt", "Ersatz", "falsche Größe"),
        "price": ("Preis", "Preise", "teuer", "günstig", "Rabatt", "Angebot",
                  "Preis-Leistung", "Beitrag", "Beitragserhöhung"),
        "praise": ("freundlich", "hilfsbereit", "schnell", "einfach", "empfehlen",
                   "sehr zu empfehlen", "toller Service", "reibungslos", "schnelle Lieferung",
                   "danke", "kompetent", "professionell", "unkompliziert"),
        "app": ("App", "Login", "anmelden", "Passwort", "Update", "neue App", "abgestürzt",
                "Konto gesperrt", "Webseite", "Fehlermeldung", "Bestätigungscode",
                "App-Update"),
    },
}
NAMES = ("Larkspur", "Sarah", "Tom", "Priya", "James", "Anna", "Mohammed", "Emma", "Oliver",
         "Lukas", "Sophie", "Daniel", "Chloe", "Raj", "Katarzyna", "Jürgen", "2", "3", "10",
         "24", "£45", "€30", "2023", "48h", "5*", "100%")
LANGUAGES = ("en", "de")
PUNCTUATION = ("", ".", "!", "?")
END_MARKS = (0.86, 0.10, 0.04)  # a text sentence ends in ".", "!" or "?"


@dataclass(frozen=True)
class Lexicon:
    """Every word the generator writes, and where each kind sits among them.

    ``forms`` holds, for each base entry, its 8 written forms (lower/capitalised x no
    mark, ".", "!", "?"): entry e's form f is ``forms[8 * e + f]``. ``groups`` maps
    (language, kind or ``"topic:NAME"``) to (first entry, number of entries), each
    group listed from its most to its least used.
    """

    base: tuple[str, ...]
    forms: pa.Array
    groups: dict[tuple[str, str], tuple[int, int]]


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _dictionary_keys(code: str) -> list[str]:
    """Every word form of ``simplemma``'s dictionary for ``code``.

    Read through the loader the package itself uses (bytes keys, about 2 s for German)
    where it is there, else through the public mapping (several times slower).
    """
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    from simplemma.strategies.dictionaries import dictionary_factory as factory

    load = getattr(factory, "_load_dictionary_from_disk", None)
    if load is not None:
        try:
            raw = load(code)
            return [key.decode() for key in raw if 4 <= len(key) <= 36]
        except Exception:  # another simplemma version: the public way below
            pass
    return list(DefaultDictionaryFactory(cache_max_size=1).get_dictionary(code))


def _dictionary_words(code: str, count: int, skip: set[str], seed: int) -> list[str]:
    """``count`` word forms of ``simplemma``'s dictionary for ``code``, seeded."""
    words = [  # in the dictionary's own (fixed) order
        w for w in _dictionary_keys(code)
        if 4 <= len(w) <= 12 and w.isalpha() and w.lower() not in skip
        and (code == "de" or w.islower())
    ]
    rng = np.random.default_rng(seed)
    return [words[i] for i in rng.choice(len(words), count, replace=False)]


@cache
def lexicon(dictionary_words: bool = True) -> Lexicon:
    """The generator's words (built once per process: reading ``simplemma``'s
    dictionaries takes a few seconds). Without ``dictionary_words`` the general words
    are the hand-written head only (a tiny vocabulary, for quick runs)."""
    base: list[str] = []
    groups: dict[tuple[str, str], tuple[int, int]] = {}

    def add(code: str, kind: str, words: list[str] | tuple[str, ...]) -> None:
        groups[(code, kind)] = (len(base), len(words))
        base.extend(words)

    for seed, code in enumerate(LANGUAGES):
        stop = list(dict.fromkeys(STOP[code]))
        add(code, "stop", stop)
        taken = {w.lower() for w in (*stop, *HEAD[code])}
        for words in TOPIC_WORDS[code].values():
            taken.update(w.lower() for w in words)
        general = list(HEAD[code])
        if dictionary_words:
            general += _dictionary_words(code, GENERAL_WORDS[code], taken, seed=100 + seed)
        add(code, "general", general)
        add(code, "name", NAMES)
        for topic in TOPICS:
            add(code, f"topic:{topic}", TOPIC_WORDS[code][topic])
    forms = [
        (_capital(word) if capital else word) + mark
        for word in base for mark in PUNCTUATION for capital in (False, True)
    ]
    return Lexicon(tuple(base), pa.array(forms, type=pa.string()), groups)


def _zipf(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    """``n`` ranks in ``0..size-1`` with Zipf-Mandelbrot weights."""
    weights = 1.0 / (np.arange(1, size + 1) + ZIPF_Q) ** ZIPF_S
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), size - 1)


def _topic_table() -> np.ndarray:
    """Cumulative topic chances per profile: (star - 1) * 2 + rising."""
    table = np.zeros((10, len(TOPICS)))
    rising = TOPICS.index(RISING_TOPIC)
    for star, weights in TOPIC_WEIGHTS.items():
        for rise in (0, 1):
            w = np.asarray(weights, dtype=float)
            if rise:
                w[rising] *= RISE_FACTOR[star]
            table[(star - 1) * 2 + rise] = np.cumsum(w / w.sum())
    table[:, -1] = 1.0
    return table


def _typo(word: str, how: int, where: float, letter: int) -> str:
    """``word`` with one letter dropped (0), doubled (1), swapped with the next (2) or
    changed (3)."""
    if len(word) < 3:
        return word + word[-1:]
    i = 1 + int(where * (len(word) - 2))  # never the first letter
    if how == 0:
        return word[:i] + word[i + 1:]
    if how == 1:
        return word[:i] + word[i] + word[i:]
    if how == 2:
        return word[:i] + word[i + 1:i + 2] + word[i] + word[i + 2:]
    return word[:i] + "abcdefghijklmnopqrstuvwxyz"[letter] + word[i + 1:]


def _segments(rng: np.random.Generator, lex: Lexicon, language: np.ndarray,
              profile: np.ndarray, lengths: np.ndarray, *, title: bool) -> pa.Array:
    """One text per segment, of ``lengths[i]`` words (null when 0), in ``language[i]``
    (0 en, 1 de) and topic ``profile[i]`` (a row of :func:`_topic_table`)."""
    n = len(lengths)
    total = int(lengths.sum())
    segment = np.repeat(np.arange(n), lengths)
    last = np.cumsum(lengths)[lengths > 0] - 1
    ends = np.zeros(total, dtype=bool) if title else rng.random(total) < 1.0 / SENTENCE_WORDS
    ends[last] = True
    starts = np.empty(total, dtype=bool)
    starts[:1] = True
    starts[1:] = ends[:-1]
    sentence = np.cumsum(starts) - 1
    table = _topic_table()[profile[segment[starts]]]
    topic = (rng.random(int(starts.sum()))[:, None] >= table).sum(axis=1)[sentence]
    shares = np.cumsum(TITLE_KIND_SHARES if title else TEXT_KIND_SHARES)
    kind = np.minimum(np.searchsorted(shares, rng.random(total), side="right"), len(KINDS) - 1)
    words_language = language[segment]
    entry = np.zeros(total, dtype=np.int64)
    for code_index, code in enumerate(LANGUAGES):
        mine = words_language == code_index
        groups = [(kind == k, KINDS[k]) for k in (0, 1, 3)]
        groups += [((kind == 2) & (topic == t), f"topic:{name}") for t, name in enumerate(TOPICS)]
        for where, group in groups:
            hit = np.flatnonzero(mine & where)
            first, size = lex.groups[(code, group)]
            entry[hit] = first + _zipf(rng, size, hit.size)
    mark = np.zeros(total, dtype=np.int64)
    if not title:
        mark[ends] = 1 + np.searchsorted(np.cumsum(END_MARKS), rng.random(int(ends.sum())),
                                         side="right").clip(0, 2)
    form = entry * 8 + mark * 2 + starts
    # Typos: new word forms, written out one by one (about 0.6% of the words).
    content = (kind == 1) | (kind == 2)
    typo = np.flatnonzero(content & (rng.random(total) < TYPO_SHARE))
    how = rng.integers(0, 4, typo.size)
    where_in = rng.random(typo.size)
    letter = rng.integers(0, 26, typo.size)
    extra = []
    for k, position in enumerate(typo):
        word = _typo(lex.base[entry[position]], int(how[k]), float(where_in[k]),
                     int(letter[k]))
        if starts[position]:
            word = _capital(word)
        extra.append(word + PUNCTUATION[mark[position]])
    form[typo] = len(lex.forms) + np.arange(typo.size)
    strings = pa.concat_arrays([lex.forms, pa.array(extra, type=pa.string())])
    flat = strings.take(pa.array(form))
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, flat), " ")
    return pc.if_else(pa.array(lengths == 0), pa.scalar(None, pa.string()), joined)


def _lengths(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws per title (2-6, 3% none) and per text (5-150, 4% none, 1 in 300 very long)."""
    titles = rng.integers(2, 7, n)
    titles[rng.random(n) < 0.03] = 0
    texts = np.clip(np.rint(rng.lognormal(np.log(30.0), 0.85, n)), 5, 150).astype(np.int64)
    long = rng.random(n) < 1 / 300
    texts[long] = rng.integers(600, 3_001, int(long.sum()))
    texts[rng.random(n) < 0.04] = 0
    return titles, texts


def review_text_chunks(n: int, *, seed: int = 0, language_column: bool = False,
                       german_share: float = GERMAN_SHARE, dictionary_words: bool = True,
                       chunk_rows: int = CHUNK_ROWS) -> Iterator[pa.Table]:
    """The ``n`` reviews, oldest first, as Arrow tables of ``chunk_rows`` rows.

    ``german_share`` of them are in German; ``dictionary_words=False`` draws from the
    hand-written words only (see :func:`lexicon`).
    """
    lex = lexicon(dictionary_words)
    rng = np.random.default_rng(seed)
    times = review_times_us(rng, n, years=YEARS, end=END)
    stars = ratings(rng, n)
    german = rng.random(n) < german_share
    rise_from = (END.floor("D") - pd.Timedelta(days=RISE_DAYS - 1)).value // 1_000
    for first in range(0, n, chunk_rows):
        t = times[first:first + chunk_rows]
        s = stars[first:first + chunk_rows]
        language = german[first:first + chunk_rows].astype(np.int64)
        profile = (s - 1) * 2 + (t >= rise_from)
        title_words, text_words = _lengths(rng, len(t))
        columns = {
            "created_at": pa.array(t, type=pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "rating": pa.array(s, type=pa.int64()),
            "title": _segments(rng, lex, language, profile, title_words, title=True),
            "text": _segments(rng, lex, language, profile, text_words, title=False),
            "company": pa.array([COMPANY] * len(t), type=pa.string()),
        }
        if language_column:
            columns["language"] = pa.array(np.asarray(LANGUAGES)[language].tolist(),
                                           type=pa.string())
        yield pa.table(columns)


def rise_period() -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) of the period in which the rising topic rises (whole days)."""
    end = END.floor("D") + pd.Timedelta(days=1)
    return end - pd.Timedelta(days=RISE_DAYS), end


def review_texts(n: int, *, seed: int = 0, **options: object) -> pd.DataFrame:
    """``n`` reviews with titles and texts as a canonical review table (see the module;
    ``options`` as for :func:`review_text_chunks`)."""
    chunks = list(review_text_chunks(max(n, 1), seed=seed, **options))  # type: ignore[arg-type]
    return _to_pandas(pa.concat_tables(chunks).slice(0, n))


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    out = {}
    for name in table.column_names:
        column = table[name]
        if pa.types.is_string(column.type):
            out[name] = pd.array(column, dtype="str")
        elif pa.types.is_timestamp(column.type):
            out[name] = column.to_pandas()
        else:
            out[name] = column.to_numpy()
    return pd.DataFrame(out)


def write_review_texts(path: str | Path, n: int, *, seed: int = 0, **options: object) -> Path:
    """Write the ``n`` reviews to a Parquet file at ``path`` (one chunk in memory at a
    time; ``options`` as for :func:`review_text_chunks`) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for chunk in review_text_chunks(n, seed=seed, **options):  # type: ignore[arg-type]
            if writer is None:
                writer = pq.ParquetWriter(path, chunk.schema)
            writer.write_table(chunk)
    finally:
        if writer is not None:
            writer.close()
    return path


def read_review_texts(path: str | Path) -> pd.DataFrame:
    """A file of :func:`write_review_texts` as the canonical review table."""
    return _to_pandas(pq.read_table(path))
