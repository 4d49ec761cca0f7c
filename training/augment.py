"""Entity-switched copies of the training documents (``--augment India,Vietnam`` or ``--augment all``).

Every epoch sees the original training sentences plus ``--augment-ratio`` times as many documents again, each a
copy of a randomly drawn training document whose people, places and organisations ``localize`` moved to a
randomly drawn country (``conll.rewrite``; with ``--augment-switch all`` every PER/LOC/ORG, ``conll.switch``; tags
follow, MISC and outside tokens stay). Replacements come from the "train" part of localize's per-country pools only,
so that ``benchmarks/entity_switch.py`` can audit on names no model saw in training (the "held-out" part).

The copies are made once for all epochs and cached as CoNLL files under ``--augment-cache``, in a folder keyed
by everything that changes them (the training sentences, countries, ratio, seed, pool split, and the localize
package's code and data, whose pools the names come from); a resumed, repeated or longer run reads back the epochs
it finds, and the same settings always give the same copies.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from datasets import Dataset

import localize
from conll import LABELS, Document, Token, write_documents
from conll.rewrite import rewrite_document
from conll.switch import FullSwitch
from localize import LocalizeConfig, LocalizeError, Localizer
from localize.countries import country, find_country
from localize.names import load_pools
from localize.places import cities_of
from localize.vectors import load_vectors

from .config import TrainConfig
from .data import dataset_from_sentences, read_conll
from .errors import DataError

# The text is read as written from the USA, as by the app: its places move, those of foreign countries it names stay.
SOURCE = LocalizeConfig.source
REPLACED_TYPES = ("PER", "LOC", "ORG")
# The hub's splits have no document markers (one document each); they are cut into pseudo-documents this long, so
# that one rewrite does not have to find thousands of distinct names.
MAX_DOCUMENT_SENTENCES = 40
AUGMENT_SWITCHES = ("localize", "all", "mixed")


@dataclass(frozen=True)
class Augmentation:
    countries: tuple[str, ...]  # country names as localize spells them
    ratio: float
    epochs: int
    seed: int
    held_out_share: float
    switch: str = "localize"  # "localize", "all" or "mixed" (each copy drawn between the two)

    @classmethod
    def from_config(cls, cfg: TrainConfig) -> Augmentation:
        if cfg.augment_ratio <= 0:
            raise DataError(f"--augment-ratio must be above 0, got {cfg.augment_ratio}")
        if cfg.augment_switch not in AUGMENT_SWITCHES:
            choices = ", ".join(AUGMENT_SWITCHES)
            raise DataError(f"--augment-switch must be one of {choices}, got {cfg.augment_switch!r}")
        countries = augment_countries(cfg.augment)
        return cls(
            countries, cfg.augment_ratio, cfg.epochs, cfg.seed, LocalizeConfig.held_out_share, cfg.augment_switch
        )

    def settings(self, train: Dataset) -> dict:
        """What the copies depend on, the training sentences included. Not the number of epochs: epoch N's copies
        are the same whatever follows, so a longer run reuses them."""
        settings = {**asdict(self), "countries": sorted(self.countries), "data": train._fingerprint}
        settings["localize"] = localize_fingerprint()
        del settings["epochs"]
        if self.switch == "localize":  # the copies made before --augment-switch existed keep their cache key
            del settings["switch"]
        return settings

    def key(self, train: Dataset) -> str:
        """A short hash of the settings: the cache folder's name."""
        return hashlib.sha256(json.dumps(self.settings(train)).encode()).hexdigest()[:16]


@cache
def localize_fingerprint() -> str:
    """A hash of the localize package's code and data: new pools or new rules make new copies, never stale ones
    read back from the cache."""
    root = Path(localize.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".gz", ".tsv", ".json")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def augment_countries(spec: str) -> tuple[str, ...]:
    """``all`` (every country with name pools and cities) or a comma-separated list, each checked."""
    if spec.strip().lower() == "all":
        return tuple(sorted(country(code).name for code in load_pools() if cities_of(code)))
    countries = []
    for word in (part.strip() for part in spec.split(",") if part.strip()):
        found = find_country(word)
        if found is None or found.code not in load_pools() or not cities_of(found.code):
            raise DataError(f"--augment {word!r}: not a country localize has names and cities for")
        countries.append(found.name)
    if not countries:
        raise DataError("--augment needs a comma-separated list of countries, or 'all'")
    return tuple(dict.fromkeys(countries))


def documents_of(train: Dataset) -> list[Document]:
    """The training sentences grouped back into documents (word and tag columns)."""
    documents: list[Document] = []
    current = None
    for document_id, tokens, tags in zip(train["document"], train["tokens"], train["ner_tags"], strict=True):
        if current != document_id or len(documents[-1].sentences) >= MAX_DOCUMENT_SENTENCES:
            documents.append(Document(header="-DOCSTART- -X- -X- O"))
            current = document_id
        documents[-1].sentences.append([Token([word, LABELS[tag]]) for word, tag in zip(tokens, tags, strict=True)])
    return documents


def has_replaceable_entity(document: Document) -> bool:
    return any(token.tag[2:] in REPLACED_TYPES for sentence in document.sentences for token in sentence)


def epoch_copies(train: Dataset, augmentation: Augmentation, cache: str | Path) -> list[Dataset]:
    """One dataset of rewritten documents per epoch, read from the cache or made (and cached)."""
    folder = Path(cache) / augmentation.key(train)
    files = [folder / f"epoch-{epoch + 1}.txt" for epoch in range(augmentation.epochs)]
    if not all(path.is_file() for path in files):
        make_copies(train, augmentation, folder, files)
    return [dataset_from_sentences(read_conll(path), f"augment-{n + 1}") for n, path in enumerate(files)]


def make_copies(train: Dataset, augmentation: Augmentation, folder: Path, files: list[Path]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    documents = [d for d in documents_of(train) if has_replaceable_entity(d)]
    if not documents:
        raise DataError("--augment: the training data has no PER, LOC or ORG entity to replace")
    per_epoch = max(1, round(augmentation.ratio * len(documents)))
    kv, name = load_vectors(None)
    for epoch, path in enumerate(files):
        if path.is_file():
            continue
        rng = random.Random(f"{augmentation.seed}:{epoch}")
        # A non-zero localize seed draws among the best few candidates: copies of one document differ by epoch.
        config = LocalizeConfig(seed=1 + augmentation.seed * 1000 + epoch, pool_part="train")
        localizer = Localizer(kv, config, name)
        full = FullSwitch(localizer)
        picked = [documents[rng.randrange(len(documents))] for _ in range(per_epoch)]
        try:
            copies = []
            for document in picked:
                target = rng.choice(augmentation.countries)
                # Drawn after the country, so that 'localize' copies are the ones made before --augment-switch.
                everything = augmentation.switch == "all" or (augmentation.switch == "mixed" and rng.random() < 0.5)
                rewriter = full if everything else localizer
                copies.append(rewrite_document(document, rewriter, target, SOURCE, REPLACED_TYPES)[0])
        except LocalizeError as error:
            raise DataError(f"--augment: {error}") from error
        write_documents(copies, path)
    (folder / "settings.json").write_text(json.dumps(augmentation.settings(train), indent=2) + "\n")
