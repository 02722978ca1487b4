"""Which source column fills which canonical column.

Headers are compared after :func:`normalise_header` (case, spaces and punctuation
removed: ``Review ID``, ``review_id`` and ``reviewId`` all become ``reviewid``;
``dates.publishedDate`` and ``dates_publishedDate`` become ``datespublisheddate``).
Each canonical column has an alias table, best name first. A name alone is not
enough for the two required columns: a column is the rating only if its values
read as star ratings, and the date only if its values read as dates. That keeps a
reviewer's review count (``bewertung`` = "16 Bewertungen" in a German scrape) out
of the rating. When no name matches, columns are recognised by their values.

The company's replies come from up to three columns (a reply date, a reply text, a
yes/no "replied" column; see :mod:`.replies`), and ``updated_at`` from the review's
update date; their values are checked too (dates, yes/no). A reply-text column of yes/no
values is not a text, and a column named only "Reply" or "Response" is the company's
reply only beside a review text column (alone it may be the reviews themselves).

The caller's ``mapping`` (canonical name -> source column, or ``None`` to leave a
field out) overrides detection field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from scoring.errors import ReviewDataError
from scoring.ingest.dates import date_share
from scoring.ingest.flags import bool_share, url_share
from scoring.ingest.ratings import rating_shares
from scoring.ingest.review_ids import looks_like_review_ids
from scoring.reviews import CANONICAL_COLUMNS

#: Normalised header names per canonical column, best first.
ALIASES: dict[str, tuple[str, ...]] = {
    "created_at": (
        "reviewcreatedutc", "reviewcreated", "reviewcreatedat", "createdat", "createtime",
        "createdtime", "createdate", "created", "creationdate", "datespublisheddate",
        "publisheddate", "publishedat", "published", "datepublished", "publishdate",
        "publicationdate", "reviewdate", "reviewdateutc", "reviewdatetime", "dateposted",
        "postedat", "posted", "postdate", "submittedat", "submitted", "submissiondate",
        "date", "datetime", "timestamp", "reviewtimestamp", "unixreviewtime", "time",
        "reviewtime", "datum", "bewertungsdatum", "erstelltam", "fecha", "datedepublication",
        "datespublished", "dateofreview", "datesexperienceddate", "experienced",
        "experiencedat", "experiencedate", "dateofexperience", "experiencedon",
        "datesupdateddate", "updatedat", "updatetime", "updated", "lastupdated",
    ),
    "rating": (
        "reviewstars", "stars", "starrating", "reviewstarrating", "rating", "reviewrating",
        "reviewrate", "rate", "ratingvalue", "overallrating", "score", "reviewscore",
        "starsrating", "numberofstars", "sterne", "anzahlsterne", "sternebewertung", "note",
        "notation", "etoiles", "étoiles", "estrellas", "puntuacion", "puntuación",
        "valoracion", "valoración", "calificacion", "calificación", "sterren", "beoordeling",
        "waardering", "cijfer", "bewertung",
    ),
    "review_id": (
        "reviewid", "id", "reviewuuid", "uuid", "reviewkey", "reviewidentifier", "reviewno",
        "reviewnumber", "bewertungsid",
    ),
    "reply_at": (
        "companyreplydateutc", "businessreplydateutc", "companyreplydate", "businessreplydate",
        "companyreplycreatedat", "companyreplyupdatedat", "replypublisheddate",
        "replycreatedat", "replyupdatedat", "reviewreplyupdatetime", "replydate",
        "replydateutc", "replyat", "repliedat", "responsedate", "ownerresponsedate",
        "companyresponsedate", "responsecreatedat", "responsefromownerdate",
        "owneranswertimestampdatetimeutc", "owneranswerdate", "antwortdatum",
    ),
    "replied": (
        "replied", "hasreply", "hasreplied", "isreplied", "responded", "hasresponse",
        "isresponded", "hascompanyreply", "companyreplied", "businessreplied",
        "hasownerresponse", "ownerresponded", "answered", "isanswered", "beantwortet",
    ),
    "reply_text": (
        "companyresponse", "companyreplytext", "companyreplymessage", "companyreply",
        "businessresponse", "businessreplytext", "businessreply", "replymessage", "replytext",
        "replycomment", "reviewreplycomment", "reviewreply", "ownerresponse",
        "ownerresponsetext", "responsefromowner", "responsefromownertext", "ownerreply",
        "ownerreplytext", "owneranswer", "merchantresponse", "merchantreply",
        "responsetext", "responsemessage", "antwortdesunternehmens", "unternehmensantwort",
        "reply", "response", "antwort", "réponse", "reponse", "respuesta", "antwoord",
        "reactie",
    ),
    "title": (
        "reviewtitle", "title", "headline", "reviewheadline", "heading", "reviewheading",
        "reviewsubject", "subject", "subjectline", "reviewsubjectline", "summary",
        "reviewsummary", "titel", "titre", "titulo", "título",
    ),
    "text": (
        "reviewcontent", "reviewtext", "text", "content", "comment", "reviewcomment",
        "review", "reviewbody", "body", "message", "reviewmessage", "reviewdescription",
        "description", "kommentar", "bewertungstext", "commentaire", "comentario", "texto",
        "texte", "tekst", "opmerking",
    ),
    "source": (
        "sourceofreview", "reviewsource", "reviewsourcename",
        "labelsverificationreviewsourcename", "source", "collectionmethod", "channel",
        "origin", "quelle",
    ),
    "invited": ("invited", "isinvited", "invitedreview", "wasinvited"),
    "location": (
        "locationname", "location", "storename", "store", "branchname", "branch",
        "filiale", "standort",
    ),
    "tags": ("tags", "reviewtags", "tag", "tagnames", "reviewtag"),
    "company": (
        "webshopname", "companyname", "company", "businessname", "business", "brand",
        "merchant", "shopname", "shop", "venue", "venuename", "placename", "businessunitname",
        "domainurl", "domain", "name",
    ),
    "language": (
        "reviewlanguage", "language", "lang", "languagecode", "locale", "sprache", "langue",
        "idioma", "taal",
    ),
    "counts": ("counts", "countstowardsscore"),
    "reviewer": (
        "reviewconsumeruserid", "consumerid", "consumeruserid", "reviewerid", "userid",
        "authorid", "customerid", "reviewerprofileurl", "consumerprofileurl", "profileurl",
        "userprofileurl", "authorurl", "reviewer", "reviewername", "reviewerdisplayname",
        "consumerdisplayname", "consumername", "author", "authorname", "reviewauthor",
        "username", "reviewusername", "profilename", "customername",
    ),
    "updated_at": (
        "datesupdateddate", "updateddate", "reviewupdatedutc", "reviewupdated",
        "reviewupdatedat", "updatedat", "updatetime", "updated", "lastupdated",
        "lastupdatedat", "modifiedat", "lastmodified", "editedat",
    ),
}  # fmt: skip

#: Reply-text names so generic that, in a file with no other review text column, the
#: column may be the review itself (a survey's "Response"): not taken as the reply then.
_GENERIC_REPLY_ALIASES = frozenset({"reply", "response", "antwort", "réponse", "reponse",
                                    "respuesta", "antwoord", "reactie"})

#: Title aliases that name the review's body when a file has no other text column
#: (a "Summary" next to a "Text" is a title; a "Summary" alone is the review).
_SUMMARY_ALIASES = frozenset({"summary", "reviewsummary"})

#: Trustpilot flags that decide ``counts``.
FLAG_ALIASES: dict[str, tuple[str, ...]] = {
    "filtered": ("filtered", "isfiltered"),
    "pending": ("pending", "ispending"),
    "counts_towards": ("countstowardstrustscore", "countstowardsscore"),
}

#: Header fragments of count-like columns never taken as a rating by value alone.
_COUNT_WORDS = (
    "like", "helpful", "useful", "funny", "cool", "vote", "count", "number", "anzahl",
    "nützlich", "nuetzlich", "bewertungen", "reviews", "total", "id", "index", "unnamed",
    "page", "seite",
)  # fmt: skip

#: Columns examined by their values (not their names) for the date and the rating. Each
#: check costs ~20 ms; without a bound a file with 100,000 columns took about an hour.
MAX_VALUE_SCAN_COLUMNS = 200

_DETECTION_ORDER: tuple[str, ...] = (
    "created_at", "rating", "review_id", "reply_at", "replied", "title", "text", "reply_text",
    "source", "invited", "location", "tags", "company", "language", "counts", "reviewer",
    "updated_at",
)  # fmt: skip


def normalise_header(name: object) -> str:
    """``'Review Created (UTC)'`` -> ``'reviewcreatedutc'``: casefolded, letters and
    digits only (accented letters kept)."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


@dataclass(frozen=True)
class ColumnMapping:
    """The columns chosen for an import.

    ``fields``: canonical column -> source column. ``candidates``: canonical column
    -> source columns that could fill it, best first. ``flags``: Trustpilot flag
    (``filtered``, ``pending``, ``counts_towards``) -> source column. ``notes``:
    sentences for the import report. ``excluded``: fields the caller's mapping left
    out on purpose (``None``).
    """

    fields: dict[str, str]
    candidates: dict[str, list[str]]
    flags: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    excluded: frozenset[str] = frozenset()


def detect_columns(
    frame: pd.DataFrame, mapping: Mapping[str, str | None] | None = None
) -> ColumnMapping:
    """Choose the source column for each canonical column.

    Raises :class:`ReviewDataError` when ``mapping`` names an unknown field or a
    column the data does not have, or when no column can be the date or the rating
    (the message lists the columns seen and the ``mapping`` that fixes it).
    """
    columns = [str(c) for c in frame.columns]
    overrides = _check_mapping(columns, mapping or {})
    by_norm: dict[str, list[str]] = {}
    for column in columns:
        by_norm.setdefault(normalise_header(column), []).append(column)
    notes: list[str] = []
    candidates: dict[str, list[str]] = {}
    chosen: dict[str, str] = {}
    used: set[str] = set(v for v in overrides.values() if v is not None)

    for canonical in _DETECTION_ORDER:
        named = [c for alias in ALIASES[canonical] for c in by_norm.get(alias, [])]
        passing, failed = _value_check(canonical, frame, named, notes)
        if canonical in ("created_at", "rating"):
            others = [c for c in columns if c not in named]
            if len(others) > MAX_VALUE_SCAN_COLUMNS:
                notes.append(
                    f"only the first {MAX_VALUE_SCAN_COLUMNS} of {len(others):,} unnamed "
                    f"columns were examined for {canonical} by their values; name the right "
                    "column with mapping={" + repr(canonical) + ": ...} if it was missed."
                )
                others = others[:MAX_VALUE_SCAN_COLUMNS]
            passing += _by_value(canonical, frame, others)
        candidates[canonical] = passing
        if canonical in overrides:
            target = overrides[canonical]
            if target is not None:
                chosen[canonical] = target
            continue
        for column in passing:
            if column not in used:
                chosen[canonical] = column
                used.add(column)
                if column not in named:
                    notes.append(
                        f"{canonical} taken from the column {column!r}, recognised by its "
                        "values; map another with mapping={" + repr(canonical) + ": ...}."
                    )
                break
        for column, example in failed:
            if chosen.get(canonical) != column:
                notes.append(_failed_note(canonical, column, example))

    flags: dict[str, str] = {}
    if "counts" not in overrides and "counts" not in chosen:
        for flag, aliases in FLAG_ALIASES.items():
            for alias in aliases:
                for column in by_norm.get(alias, []):
                    if flag in flags or column in used:
                        continue
                    if bool_share(frame[column]) >= 0.8:
                        flags[flag] = column
                        used.add(column)
    if "created_at" not in chosen and "created_at" not in overrides:
        _dates_from_ids(frame, chosen, candidates, notes)
    _summary_as_text(chosen, candidates, overrides, notes)
    _generic_reply(chosen, overrides, notes)
    _require(columns, chosen, candidates, notes)
    excluded = frozenset(k for k, v in overrides.items() if v is None)
    return ColumnMapping(
        fields=chosen, candidates=candidates, flags=flags, notes=notes, excluded=excluded
    )


def _check_mapping(columns: list[str], mapping: Mapping[str, str | None]) -> dict[str, str | None]:
    if not isinstance(mapping, Mapping):
        raise ReviewDataError(
            "mapping must be a dict of canonical column -> source column, e.g. "
            "{'rating': 'Stars', 'created_at': 'Date'}."
        )
    out: dict[str, str | None] = {}
    by_norm = {normalise_header(c): c for c in columns}
    for canonical, source in mapping.items():
        if canonical not in CANONICAL_COLUMNS:
            raise ReviewDataError(
                f"mapping names {canonical!r}, which is not a review column; use one of "
                f"{', '.join(CANONICAL_COLUMNS)}."
            )
        if source is None:
            if canonical in ("created_at", "rating"):
                raise ReviewDataError(f"mapping cannot leave out the required {canonical!r}.")
            out[canonical] = None
            continue
        if source in columns:
            out[canonical] = source
        elif normalise_header(source) in by_norm:
            out[canonical] = by_norm[normalise_header(source)]
        else:
            raise ReviewDataError(
                f"mapping={{{canonical!r}: {source!r}}} names a column the file does not "
                f"have; its columns are: {_column_list(columns)}."
            )
    return out


def _value_check(
    canonical: str, frame: pd.DataFrame, named: list[str], notes: list[str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Split name-matched columns into those whose values fit and those that don't."""
    passing: list[str] = []
    failed: list[tuple[str, str]] = []
    for column in named:
        values = frame[column]
        if canonical in ("created_at", "reply_at", "updated_at"):
            # An empty reply or update date column is fine: nothing was replied or updated.
            share, n = date_share(values, use_dateparser=True)
            ok = share >= 0.5 if n else canonical != "created_at"
        elif canonical == "rating":
            _, share_ten, n = rating_shares(values)
            ok = n > 0 and share_ten >= 0.5
        elif canonical == "source":
            ok = url_share(values) < 0.5
        elif canonical in ("invited", "counts", "replied"):
            ok = bool_share(values) >= 0.8 or canonical == "invited"
        elif canonical == "reply_text":
            ok = bool_share(values) < 0.8  # yes/no values say whether, not what
        elif canonical == "company" and normalise_header(column) == "name":
            ok = _few_distinct(values)
        elif canonical == "review_id":
            ok = _filled_share(values) >= 0.5
        else:
            ok = True
        if ok:
            passing.append(column)
        else:
            failed.append((column, _example(values)))
    return passing, failed


def _by_value(canonical: str, frame: pd.DataFrame, others: list[str]) -> list[str]:
    """Columns whose names say nothing but whose values are dates / star ratings."""
    found: list[str] = []
    for column in others:
        values = frame[column]
        norm = normalise_header(column)
        if canonical == "created_at":
            if pd.api.types.is_bool_dtype(values.dtype) or (
                pd.api.types.is_numeric_dtype(values.dtype)
                and not pd.api.types.is_datetime64_any_dtype(values.dtype)
            ):
                continue
            share, n = date_share(values, use_dateparser=False)
            if n and share >= 0.9 and _looks_textual_date(values):
                found.append(column)
        else:
            if any(word in norm for word in _COUNT_WORDS):
                continue
            share_stars, _, n = rating_shares(values)
            if n and share_stars >= 0.95 and _distinct(values) >= 2:
                found.append(column)
    return found


def _looks_textual_date(values: pd.Series) -> bool:
    """Not a column of plain numbers (ids, counts): those are epochs only by name."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return True
    head = values.iloc[:200].astype("str").str.strip()
    head = head[head.notna() & (head != "")]
    return len(head) > 0 and not bool(head.str.fullmatch(r"[\d.]+").all())


def _few_distinct(values: pd.Series) -> bool:
    filled = values.dropna()
    distinct = _distinct(filled)
    return distinct == 1 or (distinct <= 20 and distinct <= 0.2 * max(len(filled), 1))


def _distinct(values: pd.Series) -> int:
    return int(values.iloc[:100_000].nunique(dropna=True))


def _filled_share(values: pd.Series) -> float:
    head = values.iloc[:10_000]
    if len(head) == 0:
        return 0.0
    text = head.astype("str").str.strip()
    return float((text.notna() & (text != "")).mean())


def _example(values: pd.Series) -> str:
    text = values.iloc[:1000].astype("str").str.strip()
    text = text[text.notna() & (text != "")]
    return str(text.iloc[0])[:40] if len(text) else ""


def _failed_note(canonical: str, column: str, example: str) -> str:
    what = {
        "created_at": "dates",
        "reply_at": "dates",
        "rating": "star ratings",
        "source": "a collection method (they look like web addresses)",
        "company": "one company name (too many different values)",
        "review_id": "review ids (mostly empty)",
        "counts": "true/false flags",
        "invited": "true/false flags",
        "replied": "true/false flags",
        "updated_at": "dates",
        "reply_text": "reply texts (they read as yes/no: map the column as replied)",
    }.get(canonical, "usable")
    shown = f" (e.g. {example!r})" if example else " (it is empty)"
    return f"the column {column!r} was not used as {canonical}: its values{shown} are not {what}."


def _column_list(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:40])
    return (shown + (f" and {len(columns) - 40} more" if len(columns) > 40 else "")) or "none"


def _dates_from_ids(
    frame: pd.DataFrame, chosen: dict[str, str], candidates: dict[str, list[str]],
    notes: list[str],
) -> None:
    """No date column: take the dates from Trustpilot review ids when the file has them
    (see :mod:`scoring.ingest.review_ids`)."""
    id_column = chosen.get("review_id")
    if id_column is None or not looks_like_review_ids(frame[id_column]):
        return
    chosen["created_at"] = id_column
    candidates["created_at"] = [*candidates.get("created_at", []), id_column]
    notes.append(
        f"no column holds the review dates, so they were taken from the Trustpilot review "
        f"ids in {id_column!r} (an id's first 8 hex digits are its creation time, within "
        "about two hours of the published date). If the file has a date column, pick it "
        "with mapping={'created_at': ...}."
    )


def _summary_as_text(
    chosen: dict[str, str], candidates: dict[str, list[str]],
    overrides: Mapping[str, str | None], notes: list[str],
) -> None:
    """A "Summary" column is the title only next to a text column; alone it is the text."""
    column = chosen.get("title")
    if (
        column is None
        or "text" in chosen
        or "title" in overrides
        or "text" in overrides
        or normalise_header(column) not in _SUMMARY_ALIASES
    ):
        return
    chosen["text"] = chosen.pop("title")
    candidates["text"] = [column, *candidates.get("text", [])]
    notes.append(
        f"the column {column!r} was read as the review text, since the file has no other "
        "text column; if it holds titles, map it with mapping={'title': " + repr(column) + "}."
    )


def _generic_reply(
    chosen: dict[str, str], overrides: Mapping[str, str | None], notes: list[str]
) -> None:
    """A column named only "Reply" or "Response" is the company's reply only next to a
    review text column; alone it may be the review itself, so it is left out."""
    column = chosen.get("reply_text")
    if (
        column is None
        or "text" in chosen
        or "reply_text" in overrides
        or normalise_header(column) not in _GENERIC_REPLY_ALIASES
    ):
        return
    del chosen["reply_text"]
    notes.append(
        f"the column {column!r} was not read as the company's replies, since the file has "
        "no review text column beside it (it may hold the reviews themselves); if it holds "
        "replies, map it with mapping={'reply_text': " + repr(column) + "}, or as the "
        "review text with mapping={'text': " + repr(column) + "}."
    )


def _require(
    columns: list[str], chosen: dict[str, str], candidates: dict[str, list[str]], notes: list[str]
) -> None:
    missing = [c for c in ("created_at", "rating") if c not in chosen]
    if not missing:
        return
    what = {"created_at": "the review dates", "rating": "the star ratings"}
    problems = " and ".join(what[c] for c in missing)
    hints = [n for n in notes if "was not used as created_at" in n or "was not used as rating" in n]
    example = ", ".join(f"{c!r}: '<column>'" for c in missing)
    raise ReviewDataError(
        f"no column holds {problems}. Columns seen: {_column_list(columns)}. "
        + "".join(h[:1].upper() + h[1:] + " " for h in hints)
        + f"Name the right column with mapping={{{example}}}."
    )
