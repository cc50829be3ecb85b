"""Typo-tolerant search over a client's people, departments and topics.

Agents type a few misspelt letters while the caller talks. An exhaustive fuzzy scan costs
~250 ms at 100k entries, so the index works on the vocabulary instead: every query word is
matched against the (much smaller) set of distinct words by exact, prefix, fuzzy and
fuzzy-prefix comparison in rapidfuzz, the matching words' postings give the candidate entries
with a field weight, and only the best few candidates are re-ranked by whole-string similarity.
"""

from __future__ import annotations

import heapq
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

#: field weights: a word in the title counts more than one in the body
TITLE, KEYWORD, DETAIL, BODY = 1.0, 0.9, 0.8, 0.45
#: a topic outside its validity window still shows, ranked as not current
NOT_CURRENT = 0.6
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Case- and accent-free form: 'Zoë Müller-Dijkstra' → 'zoe muller dijkstra'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain))


def words(text: str) -> list[str]:
    return normalize(text).split()


@dataclass(frozen=True)
class Entry:
    """One searchable thing of one client."""

    client: str
    kind: str  # "person" | "department" | "topic"
    id: str
    title: str
    detail: str = ""  # role and department of a person; routing of a topic
    keywords: tuple[str, ...] = ()
    body: str = ""
    valid_from: date | None = None
    valid_until: date | None = None

    def fields(self) -> Iterable[tuple[str, float]]:
        yield self.title, TITLE
        yield " ".join(self.keywords), KEYWORD
        yield self.detail, DETAIL
        yield self.body, BODY

    def is_current(self, day: date | None) -> bool:
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float  # 0..100
    current: bool = True
    highlights: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def kind(self) -> str:
        return self.entry.kind

    def as_dict(self, with_client: bool = False) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.entry.kind,
            "id": self.entry.id,
            "title": self.entry.title,
            "score": round(self.score, 1),
        }
        if not self.current:
            data["current"] = False
        if with_client:
            data = {"client": self.entry.client, **data}
        return data


class SearchIndex:
    """An inverted index over the distinct words of a set of entries."""

    def __init__(self, entries: Sequence[Entry]):
        self.entries = list(entries)
        postings: dict[str, dict[int, float]] = {}
        for index, entry in enumerate(self.entries):
            for text, weight in entry.fields():
                for word in words(text):
                    bucket = postings.setdefault(word, {})
                    if bucket.get(index, 0.0) < weight:
                        bucket[index] = weight
        self.vocabulary: list[str] = sorted(postings)
        self._word_id = {w: i for i, w in enumerate(self.vocabulary)}
        self._postings: list[list[tuple[int, float]]] = [
            list(postings[w].items()) for w in self.vocabulary
        ]
        # For a typo inside a partly typed word ("burgerz" → "burgerzaken"): the distinct
        # prefixes of each length, each pointing at the words that start with it.
        self._prefixes: dict[int, tuple[list[str], list[list[int]]]] = {}
        for length in range(4, 13):
            grouped: dict[str, list[int]] = {}
            for wid, word in enumerate(self.vocabulary):
                if len(word) > length:
                    grouped.setdefault(word[:length], []).append(wid)
            self._prefixes[length] = (list(grouped), list(grouped.values()))
        self._titles = [normalize(e.title) for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def _word_matches(self, token: str) -> dict[int, float]:
        """Vocabulary words this query word may mean, with a similarity 0..1."""
        found: dict[int, float] = {}

        def add(wid: int, similarity: float) -> None:
            if similarity > found.get(wid, 0.0):
                found[wid] = similarity

        exact = self._word_id.get(token)
        if exact is not None:
            add(exact, 1.0)
        vocabulary = self.vocabulary
        if len(token) >= 2:
            low = bisect_left(vocabulary, token)
            high = bisect_left(vocabulary, token + "\uffff", low)
            for wid in range(low, min(high, low + 300)):
                add(wid, 0.9 + 0.08 * len(token) / len(vocabulary[wid]))
        if len(token) >= 3:
            cutoff = 74 if len(token) >= 5 else 80
            for _, score, wid in process.extract(
                token, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=25
            ):
                add(wid, _fuzzy_similarity(score, 0.93))
        prefixes = self._prefixes.get(len(token))
        if prefixes and prefixes[0]:
            labels, owners = prefixes
            for _, score, pid in process.extract(
                token, labels, scorer=fuzz.ratio, score_cutoff=80, limit=15
            ):
                for wid in owners[pid][:50]:
                    add(wid, _fuzzy_similarity(score, 0.82))
        return found

    def search(self, query: str, limit: int = 10, today: date | None = None) -> list[Hit]:
        tokens = words(query)
        if not tokens:
            return []
        totals: dict[int, float] = {}
        matched_words: set[str] = set()
        for token in tokens:
            best: dict[int, float] = {}
            for wid, similarity in self._word_matches(token).items():
                matched_words.add(self.vocabulary[wid])
                for entry_index, weight in self._postings[wid]:
                    score = similarity * weight
                    if score > best.get(entry_index, 0.0):
                        best[entry_index] = score
            for entry_index, score in best.items():
                totals[entry_index] = totals.get(entry_index, 0.0) + score
        if not totals:
            return []
        count = len(tokens)
        shortlist = heapq.nlargest(max(limit * 3, 30), totals.items(), key=lambda kv: kv[1])
        phrase = " ".join(tokens)
        hits: list[Hit] = []
        for entry_index, total in shortlist:
            entry = self.entries[entry_index]
            whole = fuzz.WRatio(phrase, self._titles[entry_index]) / 100
            score = 100 * (0.75 * total / count + 0.25 * whole)
            current = entry.is_current(today)
            if not current:
                score *= NOT_CURRENT
            hits.append(Hit(entry, min(score, 100.0), current))
        hits.sort(key=lambda h: (-h.score, h.entry.title))
        return [
            Hit(h.entry, h.score, h.current, highlight_spans(h.entry.title, matched_words))
            for h in hits[:limit]
        ]


def _fuzzy_similarity(score: float, ceiling: float) -> float:
    """Stretch rapidfuzz's 0..100 so that a near miss counts far less than a one-letter typo."""
    return ceiling * max(0.0, (score - 50) / 50)


def highlight_spans(title: str, matched: set[str]) -> tuple[tuple[int, int], ...]:
    """Character spans of the title's words that the query matched, for highlighting."""
    spans = []
    for match in _WORD.finditer(title):
        if normalize(match.group()) in matched:
            spans.append((match.start(), match.end()))
    return tuple(spans)


def entries_for(client) -> list[Entry]:
    """A client's people, departments and topics as search entries."""
    entries: list[Entry] = []
    departments: dict[str, list[str]] = {}
    for person in client.people:
        detail = " · ".join(part for part in (person.role, person.department) if part)
        entries.append(
            Entry(client.id, "person", person.id, person.name, detail, tuple(person.keywords))
        )
        if person.department:
            departments.setdefault(person.department, []).extend(person.keywords)
    for name, keywords in departments.items():
        entries.append(
            Entry(
                client.id,
                "department",
                normalize(name).replace(" ", "-"),
                name,
                "",
                tuple(dict.fromkeys(keywords)),
            )
        )
    for topic in client.topics:
        route = client.person_name(topic.route_to) if topic.route_to else ""
        entries.append(
            Entry(
                client.id,
                "topic",
                topic.id,
                topic.title,
                route,
                tuple(topic.keywords),
                topic.body,
                topic.valid_from,
                topic.valid_until,
            )
        )
    return entries


class Catalog:
    """Search indexes per client, each built when first searched (so start-up stays fast),
    plus one over all clients built when first asked for."""

    def __init__(self, clients: Iterable = ()):
        self._clients = {client.id: client for client in clients}
        self._by_client: dict[str, SearchIndex] = {}
        self._all: SearchIndex | None = None
        self._building = threading.Lock()  # two threads asking at once build an index once

    def update(self, client) -> None:
        with self._building:  # a reader may be building an index from these right now
            self._update(client)

    def _update(self, client) -> None:
        self._clients[client.id] = client
        self._by_client.pop(client.id, None)
        self._all = None

    def clients(self) -> list[str]:
        return sorted(self._clients)

    def index(self, client_id: str | None = None) -> SearchIndex:
        with self._building:
            return self._index(client_id)

    def _index(self, client_id: str | None) -> SearchIndex:
        if client_id is not None:
            index = self._by_client.get(client_id)
            if index is None:
                index = self._by_client[client_id] = SearchIndex(
                    entries_for(self._clients[client_id])
                )
            return index
        if self._all is None:
            self._all = SearchIndex(
                [e for cid in sorted(self._clients) for e in self._index(cid).entries]
            )
        return self._all

    def search(
        self, query: str, client_id: str | None, limit: int = 10, today: date | None = None
    ) -> list[Hit]:
        return self.index(client_id).search(query, limit, today)
