"""Typo-tolerant search over a client's people, departments and topics.

Agents type a few misspelt letters while the caller talks. An exhaustive fuzzy scan costs
~250 ms at 100k entries, so the index works on the vocabulary instead: every query word is
matched against the (much smaller) set of distinct words by exact, prefix, fuzzy and
fuzzy-prefix comparison in rapidfuzz, the matching words' postings give the candidate entries
with a field weight, and only the best few candidates are re-ranked by whole-string similarity.

Agents also type what they hear: a query word matches the words that sound the same
(`kccdesk.knowledge.phonetic`: Meier finds Meijer and Meyer, the exact spelling first), and name
particles may be glued or dropped ("vandenberg" and "berg" find van den Berg). Among hits of
nearly equal score an optional duty rank puts people on duty first and absent ones last.
"""

from __future__ import annotations

import heapq
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from kccdesk.clients.model import Client, within
from kccdesk.knowledge.phonetic import (
    PARTICLES,
    glue_particles,
    sound_key,
    split_particles,
    unglued,
)

#: field weights: a word in the title counts more than one in the body; a word the client's
#: instructions say about a person ("Pers altijd naar de woordvoerder") counts as the
#: client's own keyword for them, a little more than one a file lists
TITLE, INSTRUCTED, KEYWORD, DETAIL, BODY = 1.0, 0.95, 0.9, 0.8, 0.45
#: words of an instruction that say nothing about whom it is for
_INSTRUCTION_FILLER = frozenset(
    "aan alle altijd bij dan dat die een en het met naar niet nooit ook of op over te tot "
    "van via voor wordt worden zijn is de den der".split()
)
#: the shortest word of an instruction taken as a keyword ("pers")
_SHORTEST_INSTRUCTED = 4
#: a topic outside its validity window still shows, ranked as not current
NOT_CURRENT = 0.6
#: a word that sounds like the query word (Meijer for "meier") counts a little less than
#: the exact spelling, more than a typo
SOUNDS_ALIKE = 0.9
#: Hits are nearly equal, and ordered by duty rank when one is given, when the query matched
#: their words equally well: within SAME_MATCH points (of 100) of the word part of the score,
#: which means the same words in the same kind of field. The rest of the score, how much the
#: whole title looks like the query, then yields: "paspoort" matches a keyword of several
#: people, whose names resemble "paspoort" more or less by chance.
SAME_MATCH = 0.25
#: a background build calls its `pause` after this many entries (a few milliseconds of work)
PAUSE_EVERY = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _no_pause() -> None:
    pass


def normalize(text: str) -> str:
    """Case- and accent-free form: 'Zoë Müller-Dijkstra' → 'zoe muller dijkstra'."""
    if text.isascii():  # most text: nothing to decompose (the all-clients index, 100k entries)
        return " ".join(_WORD.findall(text.lower()))
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
    #: words of the client's instructions about this person (instructed_words)
    instructed: tuple[str, ...] = ()

    def fields(self) -> Iterable[tuple[str, float]]:
        yield self.title, TITLE
        yield " ".join(self.instructed), INSTRUCTED
        # a call type's keywords are what callers report ("geen warmte"): its names, as
        # much as its title, so the type ranks with whoever else those words name
        yield " ".join(self.keywords), TITLE if self.kind == "call_type" else KEYWORD
        yield self.detail, DETAIL
        yield self.body, BODY

    def is_current(self, day: date | None) -> bool:
        return day is None or within(day, self.valid_from, self.valid_until)


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

    def __init__(self, entries: Sequence[Entry], pause: Callable[[], None] | None = None):
        """`pause` is called every few hundred entries or words: a build of all clients in
        a background thread lets the interface thread in there (see Catalog.index)."""
        pause = pause or _no_pause
        self.entries = list(entries)
        postings: dict[str, dict[int, float]] = {}
        made: dict[str, dict[int, float]] = {}
        split: dict[str, list[str]] = {}  # texts repeat (departments, keywords, bodies)
        loose: dict[str, str | None] = {}  # a title word without its glued particles
        self._titles: list[str] = []
        self._has_particles: list[bool] = []
        for index, entry in enumerate(self.entries):
            if index % PAUSE_EVERY == 0:
                pause()
            for text, weight in entry.fields():
                found = split.get(text)
                if found is None:
                    found = split[text] = words(text)
                for word in found:
                    bucket = postings.setdefault(word, {})
                    if bucket.get(index, 0.0) < weight:
                        bucket[index] = weight
                if weight == TITLE:
                    self._titles.append(" ".join(found))
                    self._has_particles.append(not PARTICLES.isdisjoint(found))
                    for word in found[1:]:  # not a first name: Vanessa
                        if word not in loose:
                            loose[word] = unglued(word)
                        rest = loose[word]
                        if rest is not None:
                            made.setdefault(rest, {})[index] = TITLE
        for word in [w for w in made if w in postings]:
            for index, weight in made.pop(word).items():
                postings[word][index] = max(weight, postings[word].get(index, 0.0))
        pause()
        #: the words of the entries, sorted, for typo and prefix matching
        self.vocabulary: list[str] = sorted(postings)
        #: names cut loose from their glued particles ('berghe' of Vandenberghe), sorted,
        #: matched exactly, as a prefix and by sound; kept out of the typo matching, which
        #: every query goes through
        self._made = sorted(made)
        self._words = self.vocabulary + self._made  # a word id indexes this
        self._word_id = {w: i for i, w in enumerate(self._words)}
        self._postings: list[list[tuple[int, float]]] = [
            list(postings[w].items()) for w in self.vocabulary
        ] + [list(made[w].items()) for w in self._made]
        pause()
        # Words that sound alike share a key ("meier", "meijer", "meyer").
        self._sounds: dict[str, list[int]] = {}
        for wid, word in enumerate(self._words):
            if wid % PAUSE_EVERY == 0:
                pause()
            if len(word) >= 3 and word.isalpha():
                self._sounds.setdefault(sound_key(word), []).append(wid)
        # For a typo inside a partly typed word ("burgerz" → "burgerzaken"): the distinct
        # prefixes of each length, each pointing at the words that start with it.
        self._prefixes: dict[int, tuple[list[str], list[list[int]]]] = {}
        for length in range(4, 13):
            pause()
            grouped: dict[str, list[int]] = {}
            for wid, word in enumerate(self.vocabulary):
                if len(word) > length:
                    grouped.setdefault(word[:length], []).append(wid)
            self._prefixes[length] = (list(grouped), list(grouped.values()))

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
            for words_, offset in ((vocabulary, 0), (self._made, len(vocabulary))):
                low = bisect_left(words_, token)
                high = bisect_left(words_, token + "\uffff", low)
                for wid in range(low, min(high, low + 300)):
                    add(offset + wid, 0.9 + 0.08 * len(token) / len(words_[wid]))
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
        if len(token) >= 3 and token.isalpha():
            for wid in self._sounds.get(sound_key(token), ())[:100]:
                add(wid, SOUNDS_ALIKE)
        return found

    def search(
        self,
        query: str,
        limit: int = 10,
        today: date | None = None,
        duty_rank: Callable[[Entry], int] | None = None,
    ) -> list[Hit]:
        """The best `limit` hits. `duty_rank` (0 on duty, 1 off duty, 2 absent) orders hits
        of nearly equal score; it is asked only about those."""
        tokens = words(query)
        if not tokens:
            return []
        # An entry scores by the reading of the query that fits it best: as typed, or with
        # particles typed apart glued to the name ('van den berghe' → 'vandenberghe').
        totals: dict[int, float] = {}  # entry index → mean match of the query words 0..1
        matched_words: set[str] = set()
        looked_up: dict[str, dict[int, float]] = {}
        glued_on = False  # a query word with particles typed onto it ('vandenberg')
        readings = [tokens]
        if (glued := glue_particles(tokens)) != tokens:
            readings.append(glued)
        for reading in readings:
            sums: dict[int, float] = {}
            for token in reading:
                matches = looked_up.get(token)
                if matches is None:
                    matches = looked_up[token] = self._word_matches(token)
                    # the name without the particles typed onto it ('vandenberg' → 'berg');
                    # whether the name has them is left to the whole-title similarity
                    *particles, name = split_particles(token)
                    if particles:
                        glued_on = True
                        for wid, similarity in self._word_matches(name).items():
                            if similarity > matches.get(wid, 0.0):
                                matches[wid] = similarity
                best: dict[int, float] = {}
                for wid, similarity in matches.items():
                    matched_words.add(self._words[wid])
                    for entry_index, weight in self._postings[wid]:
                        score = similarity * weight
                        if score > best.get(entry_index, 0.0):
                            best[entry_index] = score
                for entry_index, score in best.items():
                    sums[entry_index] = sums.get(entry_index, 0.0) + score
            for entry_index, total in sums.items():
                mean = total / len(reading)
                if mean > totals.get(entry_index, 0.0):
                    totals[entry_index] = mean
        if not totals:
            return []
        shortlist = heapq.nlargest(max(limit * 3, 30), totals.items(), key=lambda kv: kv[1])
        phrase = " ".join(tokens)
        particles_dropped = not PARTICLES.intersection(tokens)
        hits: list[Hit] = []
        matching: dict[int, float] = {}  # id of a hit → its points for the words matched
        for entry_index, total in shortlist:
            entry = self.entries[entry_index]
            title = self._titles[entry_index]
            if self._has_particles[entry_index]:
                # a query without particles is compared with the title without them ('lieke
                # berg'), one with particles typed on with the title so ('lieke vandenberg')
                title_words = title.split()
                if particles_dropped:
                    title = " ".join(w for w in title_words if w not in PARTICLES)
                whole = fuzz.WRatio(phrase, title)
                if glued_on:
                    whole = max(whole, fuzz.WRatio(phrase, " ".join(glue_particles(title_words))))
            else:
                whole = fuzz.WRatio(phrase, title)
            whole /= 100
            words_part = 100 * 0.75 * total
            score = words_part + 100 * 0.25 * whole
            current = entry.is_current(today)
            if not current:
                score *= NOT_CURRENT
                words_part *= NOT_CURRENT
            hits.append(Hit(entry, min(score, 100.0), current))
            matching[id(hits[-1])] = words_part
        hits.sort(key=lambda h: (-h.score, h.entry.title))
        if duty_rank is not None:
            hits = _duty_first(hits, matching, duty_rank, limit)
        return [
            Hit(h.entry, h.score, h.current, highlight_spans(h.entry.title, matched_words))
            for h in hits[:limit]
        ]


def _duty_first(
    hits: list[Hit], matching: dict[int, float], duty_rank: Callable[[Entry], int], limit: int
) -> list[Hit]:
    """Hits sorted by score, each run of nearly equal ones (see SAME_MATCH) ordered by duty
    rank; within one rank the order by score stays. Only hits in such runs are ranked."""
    ordered: list[Hit] = []
    start = 0
    while start < len(hits) and start < limit:
        best, end = hits[start], start + 1
        while end < len(hits) and abs(matching[id(hits[end])] - matching[id(best)]) <= SAME_MATCH:
            end += 1
        group = hits[start:end]
        if len(group) > 1:
            group.sort(key=lambda h: duty_rank(h.entry))  # stable
        ordered += group
        start = end
    return ordered + hits[start:]


def _fuzzy_similarity(score: float, ceiling: float) -> float:
    """Stretch rapidfuzz's 0..100 so that a near miss counts far less than a one-letter typo."""
    return ceiling * max(0.0, (score - 50) / 50)


def highlight_spans(title: str, matched: set[str]) -> tuple[tuple[int, int], ...]:
    """Character spans of the title's words that the query matched, for highlighting; the
    word with particles glued on when the name without them matched."""
    spans = []
    for match in _WORD.finditer(title):
        word = normalize(match.group())
        if word in matched or unglued(word) in matched:
            spans.append((match.start(), match.end()))
    return tuple(spans)


def instructed_words(client: Client) -> dict[str, tuple[str, ...]]:
    """The words the client's instructions use about each person, found by the person's
    role in a sentence: "Pers altijd naar de woordvoerder." gives the spokesman "pers", so
    an agent who types the instruction's word finds whom it names."""
    found: dict[str, list[str]] = {}
    # Another person's role is no word about this one ("burgemeester" would find the
    # secretary before the mayor), nor is a number.
    roles = {w for person in client.people for w in words(person.role)}
    for sentence in re.split(r"[.!?\n]+", client.instructions):
        said = words(sentence)
        if not said:
            continue
        for person in client.people:
            role = [w for w in words(person.role) if len(w) >= _SHORTEST_INSTRUCTED]
            if not role or not all(any(w.startswith(r) for w in said) for r in role):
                continue
            found.setdefault(person.id, []).extend(
                w
                for w in said
                if len(w) >= _SHORTEST_INSTRUCTED
                and w not in _INSTRUCTION_FILLER
                and w.isalpha()
                and not any(w.startswith(r) for r in roles)
            )
    return {pid: tuple(dict.fromkeys(ws)) for pid, ws in found.items()}


def entries_for(client: Client) -> list[Entry]:
    """A client's people, departments, topics and call types as search entries."""
    entries: list[Entry] = []
    departments: dict[str, list[str]] = {}
    instructed = instructed_words(client) if client.instructions else {}
    for person in client.people:
        detail = " · ".join(part for part in (person.role, person.department) if part)
        entries.append(
            Entry(
                client.id,
                "person",
                person.id,
                person.name,
                detail,
                tuple(person.keywords),
                instructed=instructed.get(person.id, ()),
            )
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
    for call_type in client.call_types:
        # "geen warmte" finds *Storing melden*: F6 on it opens the note with its questions
        # (where it goes depends on the moment: the detail says, not the hit)
        entries.append(
            Entry(
                client.id,
                "call_type",
                call_type.id,
                call_type.title,
                "",
                tuple(call_type.keywords),
                call_type.instructions,
            )
        )
    return entries


class Catalog:
    """Search indexes per client, each built when first searched (so start-up stays fast),
    plus one over all clients built when first asked for.

    The clients come from a list, or from `source` (a client by id, e.g. loaded on demand)
    with `ids` (every client id) — then `forget` tells the catalog a client changed."""

    def __init__(
        self,
        clients: Iterable[Client] = (),
        *,
        source: Callable[[str], Any] | None = None,
        ids: Callable[[], Iterable[str]] | None = None,
    ):
        self._clients = {client.id: client for client in clients}
        self._source: Callable[[str], Any] = source or self._clients.__getitem__
        self._ids: Callable[[], Iterable[str]] = ids or (lambda: list(self._clients))
        self._by_client: dict[str, SearchIndex] = {}
        self._all: SearchIndex | None = None
        #: raised by every change: an all-clients index built meanwhile is not kept
        self._generation = 0
        self._building = threading.Lock()  # two threads asking at once build an index once
        #: one all-clients build at a time; it never holds `_building` for long, so a search
        #: of one client is not kept waiting while the all-clients index is built
        self._building_all = threading.Lock()

    def update(self, client: Client) -> None:
        with self._building:  # a reader may be building an index from these right now
            self._clients[client.id] = client
            self._forget(client.id)

    def forget(self, client_id: str) -> None:
        """The client changed (or is gone): its indexes are built again when next asked."""
        with self._building:
            self._forget(client_id)

    def _forget(self, client_id: str) -> None:
        self._by_client.pop(client_id, None)
        self._all = None
        self._generation += 1

    def clients(self) -> list[str]:
        return sorted(self._ids())

    def index(
        self, client_id: str | None = None, pause: Callable[[], None] | None = None
    ) -> SearchIndex:
        """The index of one client, or (None) of all clients. The all-clients index is built
        from the clients' entries, not from their indexes (a client's own index is built
        only when that client is searched); `pause` is called between clients and every few
        hundred entries, so a build in a background thread lets the interface thread run."""
        if client_id is not None:
            with self._building:
                index = self._by_client.get(client_id)
                if index is None:
                    index = self._by_client[client_id] = SearchIndex(
                        entries_for(self._source(client_id))
                    )
                return index
        pause = pause or _no_pause
        with self._building_all:
            with self._building:
                if self._all is not None:
                    return self._all
                generation = self._generation
            entries: list[Entry] = []
            for cid in sorted(self._ids()):
                with self._building:
                    built = self._by_client.get(cid)
                entries += built.entries if built else entries_for(self._source(cid))
                pause()
            made = SearchIndex(entries, pause)
            with self._building:
                if self._generation == generation:
                    self._all = made
            return made

    def search(
        self,
        query: str,
        client_id: str | None,
        limit: int = 10,
        today: date | None = None,
        duty_rank: Callable[[Entry], int] | None = None,
    ) -> list[Hit]:
        """Ranked hits; see SearchIndex.search for `duty_rank`."""
        return self.index(client_id).search(query, limit, today, duty_rank)
