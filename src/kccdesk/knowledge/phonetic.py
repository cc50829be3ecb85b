"""Dutch and Flemish sound-alike keys for names, and name particles glued or dropped.

An agent types what the caller *says*: "Meier" for Meijer or Meyer, "Hendrix" for Hendrickx,
"Tijs" for Thijs, "vandenberg" or just "berg" for van den Berg. `sound_key` maps a word to a
key that spellings of the same sound share; the search index uses it as one more signal next
to its typo matching, never instead of it.

Written here, not taken from a library: rapidfuzz has no phonetic algorithm; jellyfish
(Soundex, Metaphone, NYSIIS, Match Rating) and pyphonetics are built for English; abydos
(unmaintained since 2020, GPL, pulls in numpy) has German, French, Spanish and Scandinavian
keys (Kölner Phonetik, Phonet, FONEM, SfinxBis, ...) but none for Dutch, and Soundex-style
keys that keep only the first letter and three consonants put far too many names together.
The rules below are the Dutch spelling alternatives that sound the same:

- ij / ei / eij / ey / y / ai / ay  → one sound (Meijer, Meyer, Meier, Maier; Thijs, Thys)
- but y, i or ij between two a's is the consonant j (Kaya, Kaja, Kaija; Maya, Maja)
- au / ou / auw / ouw               → one sound (Bauwens, Bouwens)
- ui / uy                           (Huygens, Huigens)
- ch / g / gh                       (Jongh, Jong; Verhaeghe, Verhage)
- sch / sg / s                      (Bosch, Bos; Visscher, Visser; Schouten, Sgouten)
- c / k / ck / cq, qu / kw, x / ks  (Hendrickx, Hendrix, Hendriks; Claes, Klaas)
- ph / f, th / t, z / s, ae / aa
- dt / d / t at the end of a word   (Smidt, Smit)
- double and single letters          (Bakker, Baker; Maas, Mas), ie / i
- b / p at the end of a word         (Jacob, Jakop)

Particles (van, van den, van der, de, den, ter, te, 't, op de, ...): `glue_particles` writes
them onto the name as an agent may type them ('van den berg' → 'vandenberg'),
`split_particles` takes them off what was typed ('vandenberg' → van, den, berg), `unglued`
takes them off a Flemish name written glued ('Vandenberghe' → 'berghe').

Only input of `kccdesk.knowledge.search.normalize` (lower case, no accents) is expected here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

#: Name particles (tussenvoegsels), as `normalize` leaves them ("'t" becomes "t").
PARTICLES = frozenset(
    {
        "van",
        "de",
        "den",
        "der",
        "het",
        "t",
        "ter",
        "ten",
        "te",
        "op",
        "in",
        "uit",
        "aan",
        "bij",
        "onder",
        "over",
        "von",
        "vom",
        "zu",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "d",
        "l",
    }
)

#: Flemish names often carry their particles glued on: Vandenberghe, Vanderstraeten.
_GLUED_PREFIXES = ("vanden", "vander", "vande", "van")
#: particles an agent may type glued to the name, longest first
_SPLITS = tuple(
    (glued.replace(" ", ""), tuple(glued.split()))
    for glued in (
        "van den",
        "van der",
        "van de",
        "van t",
        "van",
        "op den",
        "op de",
        "op t",
        "in t",
        "in den",
        "in de",
        "uit den",
        "uit de",
        "ter",
        "ten",
        "te",
        "den",
        "der",
        "de",
        "t",
    )
)

_VOWELS = frozenset("aeiou")

# Spelling → sound, longest spelling first at each position. Upper-case letters are sounds
# that several spellings share, so that they never run into the letters around them.
_RULES: dict[str, str] = {
    "sch": "s",
    "sg": "s",  # sch is said s-g: 'sgouten' for Schouten
    "eij": "E",
    "auw": "A",
    "ouw": "A",
    "cks": "ks",
    "ckx": "ks",
    "ij": "E",
    "ei": "E",
    "ey": "E",
    "ai": "E",
    "ay": "E",
    "au": "A",
    "ou": "A",
    "ui": "U",
    "uy": "U",
    "ie": "i",
    "oe": "O",
    "eu": "Y",
    "ae": "a",
    "ch": "g",
    "gh": "g",
    "ph": "f",
    "th": "t",
    "dt": "t",
    "ck": "k",
    "cq": "k",
    "qu": "kw",
    "x": "ks",
    "q": "k",
    "z": "s",
}
_LONGEST = max(len(spelling) for spelling in _RULES)


#: y, i or ij between two a's: said as the consonant j (Kaya = Kaja = Kaija)
_A_J_A = re.compile(r"a(?:ij|y|i)(?=a)")


@lru_cache(maxsize=1 << 16)
def sound_key(word: str) -> str:
    """The key of a word's sound: 'meijer', 'meyer', 'meier' and 'maier' share one."""
    word = _A_J_A.sub("aj", word)
    sounds: list[str] = []
    i, n = 0, len(word)
    while i < n:
        for size in range(min(_LONGEST, n - i), 0, -1):
            spelling = word[i : i + size]
            sound = _RULES.get(spelling)
            if sound is not None:
                break
        else:
            size, spelling = 1, word[i]
            sound = _letter(word, i)
        sounds.extend(sound)
        i += size
    if sounds and sounds[-1] in ("d", "b"):  # voiced at the end sounds voiceless
        sounds[-1] = "t" if sounds[-1] == "d" else "p"
    key = [s for j, s in enumerate(sounds) if j == 0 or s != sounds[j - 1]]
    return "".join(key)


def _letter(word: str, i: int) -> str:
    letter = word[i]
    following = word[i + 1] if i + 1 < len(word) else ""
    if letter == "c":
        return "s" if following in ("e", "i", "y") else "k"
    if letter == "y":  # a consonant before a vowel (Yara), else the ij sound (Thys)
        return "j" if following in _VOWELS else "E"
    return letter


def glue_particles(words: Sequence[str]) -> list[str]:
    """The words with each run of particles glued to the name after it:
    ['lieke', 'van', 'den', 'berg'] → ['lieke', 'vandenberg']."""
    glued: list[str] = []
    run: list[str] = []
    for word in words:
        if word in PARTICLES:
            run.append(word)
        else:
            glued.append("".join(run) + word)
            run = []
    return glued + run


def split_particles(word: str) -> list[str]:
    """A name with its particles typed on split off: 'vandenberg' → ['van', 'den', 'berg'],
    'dejong' → ['de', 'jong']; any other word as it is."""
    for prefix, particles in _SPLITS:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3 and rest[0] not in _VOWELS:
            return [*particles, rest]
    return [word]


def unglued(word: str) -> str | None:
    """The name without glued-on particles ('vandenberghe' → 'berghe'), else None."""
    for prefix in _GLUED_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and rest[0] not in _VOWELS:
            return rest
    return None
