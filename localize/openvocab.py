"""The open-vocabulary strategy, for a target that names no country (and for every target with
``LocalizeConfig(grounded=False)``): each entity becomes the vectors' nearest word to ``entity + target - source``
of the same type (``localize.analogy``). Its survey links partial mentions to their full form ("Mitchell" follows
"John Mitchell"), it decides to move every selected entity, and it allocates the analogies so that no replacement
repeats a word and no two originals share a replacement or a replacement word ("Barack Obama" became
"Yeltsin Yeltsin" when both words' nearest name was the same)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from localize.analogy import Anchors, Choice, Resolution, TypeChecker, accepted
from localize.config import LocalizeConfig
from localize.mapping import Decision, EntityMap, Entry, Kept, Move
from localize.text import Mention, words_of

Resolve = Callable[[str, str, Anchors], Resolution]
Key = tuple[str, tuple[str, ...]]  # (entity_group, lower-case words)


@dataclass
class Facts:
    text: str = ""
    links: dict[Key, Key] = field(default_factory=dict)  # partial key -> the full form it follows
    firsts: dict[Key, Mention] = field(default_factory=dict)  # each selected key's first mention
    surfaces: dict[Key, str] = field(default_factory=dict)  # each key as first written


class OpenVocabulary:
    """``survey``, ``decide`` and ``allocate`` for one target word and source word."""

    def __init__(
        self,
        config: LocalizeConfig,
        resolve: Resolve,
        lowercase: bool,
        anchors: Anchors,
        checker: TypeChecker | None,
        mapping: EntityMap,
    ) -> None:
        self.config = config
        self.resolve = resolve
        self.lowercase = lowercase  # the vocabulary is lower case: give replacements Title case
        self.anchors = anchors
        self.checker = checker
        self.map = mapping
        self.facts = Facts()

    def survey(self, text: str, mentions: Sequence[Mention], selected: set[str]) -> Facts:
        facts = self.facts
        facts.text = text
        chosen = [m for m in mentions if m.entity_group in selected]
        facts.links = full_forms([key_of(m) for m in chosen])
        for mention in chosen:
            facts.firsts.setdefault(key_of(mention), mention)
        for mention in mentions:
            facts.surfaces.setdefault(key_of(mention), mention.text)
        return facts

    def decide(self, mention: Mention) -> Decision:
        return Move(None, key_of(mention))

    def allocate(self, decisions: Sequence[tuple[Mention, Decision]], fixed: EntityMap | None = None) -> EntityMap:
        """The analogy of every full form (a partial mention takes its full form's words), then one entry per
        original; originals ``fixed`` already maps keep their entry."""
        chosen = self._choose(fixed)
        for mention, decision in decisions:
            group, surface = mention.entity_group, mention.text
            if self.map.get(group, surface) is not None:
                continue
            given = fixed.get(group, surface) if fixed is not None else None
            if given is None:
                given = Entry(reason=decision.reason) if isinstance(decision, Kept) else self._entry(mention, chosen)
            self.map.put(group, surface, given)
        return self.map

    def _choose(self, fixed: EntityMap | None) -> dict[Key, tuple[Resolution, Key]]:
        """Per mention key: the resolution it uses (its own, or its full form's) and that full key."""
        links, firsts = self.facts.links, self.facts.firsts
        own = {k: self.resolve(m.text, k[0], self.anchors) for k, m in firsts.items() if k not in links}
        if self.checker is not None:
            own = self._check(own)
        given = Given.of(fixed) if fixed is not None else Given()
        own = {key: given.choose(key, resolution) for key, resolution in own.items()}
        return {k: (own[links.get(k, k)], links.get(k, k)) for k in firsts}

    def _check(self, own: dict[Key, Resolution]) -> dict[Key, Resolution]:
        n, firsts = self.config.probe_candidates, self.facts.firsts
        keys = [k for k, r in own.items() if r.choices]
        rendered = {k: [self._render(c, firsts[k].text) for c in own[k].choices[:n]] for k in keys}
        requests = [(firsts[k].start, firsts[k].end, k[0], rendered[k]) for k in keys]
        verdicts = accepted(self.checker, self.facts.text, requests, self.config.probe_window)
        out = dict(own)
        for key, ok in zip(keys, verdicts, strict=True):
            kept = tuple(c for c, good in zip(own[key].choices, ok, strict=False) if good)
            rest = own[key].choices[n:]
            reason = f"no candidate tagged {key[0]} by the type checker"
            out[key] = Resolution(kept + rest, None, own[key].hits) if kept else Resolution((), reason)
        return out

    def _entry(self, mention: Mention, chosen: dict[Key, tuple[Resolution, Key]]) -> Entry:
        key = key_of(mention)
        resolution, full = chosen[key]
        if not resolution.choices:
            return Entry(reason=resolution.reason)
        choices = [_follow(c, key, full) for c in resolution.choices] if full != key else list(resolution.choices)
        texts = list(dict.fromkeys(self._render(c, mention.text) for c in choices))
        texts = [t for t in texts if t != mention.text]
        follows = self.facts.surfaces[full] if full != key else None
        if not texts or self._render(choices[0], mention.text) == mention.text:
            return Entry(reason=f"follows {follows!r}, which keeps this word", follows=follows)
        alternatives = texts[1 : 1 + self.config.alternatives]
        return Entry(texts[0], score=round(choices[0].score, 4), alternatives=alternatives, follows=follows)

    def _render(self, choice: Choice, surface: str) -> str:
        return choice.render(surface, self.lowercase)


def organisation_words(
    resolve: Resolve, anchors: Anchors, lowercase: bool
) -> Callable[[str], tuple[list[str], list[float], str | None]]:
    """For the grounded strategy's single-word organisations: the analogy's candidates among the vectors'
    organisation words, rendered like ``surface``, their scores, and why there are none."""

    def candidates(surface: str) -> tuple[list[str], list[float], str | None]:
        found = resolve(surface, "ORG", anchors)
        return [c.render(surface, lowercase) for c in found.choices], [c.score for c in found.choices], found.reason

    return candidates


def _follow(choice: Choice, partial: Key, full: Key) -> Choice:
    """The full form's choice restricted to the partial mention's words."""
    if choice.phrase is not None:
        return choice
    return Choice(choice.score, words=tuple(choice.word_for(w, list(full[1])) for w in partial[1]))


class Given:
    """What the analogy has given in one text: each original word (per type) keeps one replacement word, no two
    original words share one, and no two originals share a whole replacement."""

    def __init__(self) -> None:
        self.words: dict[tuple[str, str], str] = {}  # (type, original word) -> its replacement word
        self.owners: dict[str, str] = {}  # replacement word -> the original word that has it
        self.texts: dict[str, tuple[str, ...]] = {}  # whole replacement -> the original words that have it

    @classmethod
    def of(cls, mapping: EntityMap) -> Given:
        """Starting from what ``mapping`` already gives (a fixed map), which nobody else may take."""
        given = cls()
        for replacement in mapping.replacements():
            given.texts[replacement.lower()] = ()
            given.owners.update((word.lower(), "") for word in replacement.split())
        return given

    def choose(self, key: Key, resolution: Resolution) -> Resolution:
        """``resolution`` with the choice this original gets first, then the alternatives that repeat no word."""
        if not resolution.choices:
            return resolution
        if resolution.choices[0].phrase is not None:
            fresh = [c for c in resolution.choices if self._free(_words(c, key), key[1])]
        else:
            fresh = [self._word_by_word(key, resolution)]
        if not fresh or (fresh[0].phrase is None and not any(fresh[0].words)):
            return Resolution((), "every candidate is another entity's replacement already")
        self._take(key, fresh[0])
        rest = [c for c in resolution.choices if c != fresh[0] and _no_repeat(_words(c, key))]
        return Resolution((fresh[0], *rest), resolution.reason, resolution.hits)

    def _word_by_word(self, key: Key, resolution: Resolution) -> Choice:
        """Per token, the word an earlier name gave it, else its best candidate no other word has (nor another
        token of this name); None (the word stays) when every candidate is taken."""
        group, tokens = key
        picked: list[str | None] = []
        scores: list[float] = []
        for i, (token, hits) in enumerate(zip(tokens, resolution.hits, strict=True)):
            allowed = {c.words[i] for c in resolution.choices}  # what the type checker left
            found = self._word_for(token, hits, allowed, self.words.get((group, token)), picked)
            picked.append(found[0] if found else None)
            scores += [found[1]] if found else []
        return Choice(sum(scores) / len(scores) if scores else 0.0, words=tuple(picked))

    def _word_for(
        self, token: str, hits: Sequence[tuple[str, float]], allowed: set, known: str | None, picked: list
    ) -> tuple[str, float] | None:
        if known is not None:
            found = next(((w, score) for w, score in hits if w == known), None)
            if found is not None:
                return found
        taken = {word.lower() for word in picked if word}
        return next(
            ((w, score) for w, score in hits if w in allowed and self._owner_ok(w, token) and w.lower() not in taken),
            None,
        )

    def _owner_ok(self, word: str, token: str) -> bool:
        return self.owners.get(word.lower(), token) == token

    def _free(self, words: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
        text = " ".join(words).lower()
        return _no_repeat(words) and self.texts.get(text, tokens) == tokens

    def _take(self, key: Key, choice: Choice) -> None:
        group, tokens = key
        self.texts[" ".join(_words(choice, key)).lower()] = tokens
        for token, word in zip(tokens, choice.words, strict=False):
            if word is not None:
                self.words.setdefault((group, token), word)
                self.owners.setdefault(word.lower(), token)


def _words(choice: Choice, key: Key) -> tuple[str, ...]:
    """The words of a choice in vocabulary spelling (a token it keeps as written)."""
    if choice.phrase is not None:
        return tuple(choice.phrase.replace("_", " ").split())
    return tuple(word or token for word, token in zip(choice.words, key[1], strict=True))


def _no_repeat(words: tuple[str, ...]) -> bool:
    return len({word.lower() for word in words}) == len(words)


def key_of(mention: Mention) -> Key:
    return mention.entity_group, tuple(w.lower() for w in words_of(mention.text))


def full_forms(keys: list[Key]) -> dict[Key, Key]:
    """Partial key -> the longest key of the same type containing its words in order ("Mitchell" ->
    "John Mitchell"). Keys that are not partial are absent."""
    links = {}
    for key in set(keys):
        longer = [
            k for k in set(keys) if k[0] == key[0] and len(k[1]) > len(key[1]) and _inside(key[1], k[1])
        ]
        if longer:
            links[key] = max(longer, key=lambda k: (len(k[1]), keys.index(k) * -1))
    return links


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))
