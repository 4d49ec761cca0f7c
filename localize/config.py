"""All tunable settings of the localizer in one place, and the one error type the package raises."""

from __future__ import annotations

from dataclasses import dataclass, field

POOL_PARTS = ("all", "train", "held-out")


@dataclass(frozen=True)
class PlaceSizes:
    """What a place name means, by population (GeoNames) and distance. One block because ``localize.places``
    caches its indexes per block, and none of these depends on the target."""

    # A town this big is a place a reader knows: smaller ones' names are mostly someone's surname or a word.
    known_town: int = 100_000
    # A single common word ("Golden", "Alliance") inside a longer name names a city only this big.
    common_word_city: int = 1_000_000
    # A name borne by a region and a city of the same country means the city only from this size (Portland).
    city_over_region: int = 500_000
    # An alternate name ("Bombay") means its city over a city that bears the name only this many times smaller.
    alternate_name_ratio: float = 10.0
    # A district is a place within this many km (plus district_km_per_root_million per sqrt of the bigger
    # city's millions) of a city district_ratio times its size: Wimbledon near London, Dharavi near Mumbai.
    district_km: float = 5.0
    district_km_per_root_million: float = 3.0
    district_ratio: float = 2.0
    # A place whose name ends with the name of a city this close, and at least section_share its size, is a
    # section of it ("South Boston"): no replacement (localize.places.sections_of).
    section_km: float = 30.0
    section_share: float = 0.9
    # Two cities written as one ("Boston/Cambridge", "Dallas-Fort Worth") this close stay this close: the second
    # becomes a city within this many km of the first's replacement.
    twin_km: float = 60.0
    # A city this big never becomes a town this small (benchmarks/naturalness.py, big -> small).
    big_city: int = 500_000
    small_town: int = 50_000


@dataclass(frozen=True)
class LocalizeConfig:
    target: str = "India"
    source: str = "USA"
    types: tuple[str, ...] = ("PER", "LOC", "ORG")
    # When the target names a country: replacements from that country's real cities, regions and names
    # (localize.grounded). False gives the previous algorithm, the open-vocabulary analogy, for every target.
    grounded: bool = True
    # Weight of the candidate's prior (city of similar rank, frequent name, well-known region) against its
    # analogy cosine when ranking a grounded pool.
    prior_weight: float = 0.5
    # Organisations with no place in their name: with a country target they are kept, unless this asks for
    # the open-vocabulary analogy among the vectors' organisation words (single words only). Off by default:
    # it turned "Eagles" into "incisors" (benchmarks/localize_quality.py, README).
    organisation_analogy: bool = False
    # 0 takes the best-ranked candidate; another seed draws one of the best five (the same one for the same
    # original and seed), so that several rewritten copies of one corpus differ (python -m corpus conll --seed N).
    seed: int = 0
    # Which part of every per-country pool (first names, surnames, cities, regions) replacements come from. Each
    # name falls in one part by a hash of it, the same on every machine: augmented training copies draw from
    # "train" and the robustness audit (benchmarks/entity_switch.py) from "held-out", so the audit reads names
    # the tagger never saw in training. "all" (the app) uses every name.
    pool_part: str = "all"
    held_out_share: float = 0.2
    # Names a small pool still holds out (or a third of it), so that an audit has a few to draw.
    held_out_min: int = 5
    # The vectors' most frequent words ("golden", "university"): such a word alone names no small town.
    common_words: int = 5000
    # Rank priors of a city pool: the target's capital stands only for the source's capital (or the largest city
    # for the largest), and a city out of the band of its rank comes only when every one inside is taken.
    capital_prior: float = -10.0
    out_of_rank_prior: float = -5.0
    # The share of cities (by a hash of the name) that aim at the next band down (the 3rd largest -> about the
    # 10th): the top bands hold 1, 4 and 15 cities, so without it a corpus's capitals and big cities share a
    # handful of replacements (benchmarks/naturalness.py: variety, rank within one band).
    next_band_share: float = 0.35
    # A team or body named after a place ("PHILADELPHIA", "NEW JERSEY") becomes one of this many largest cities:
    # a town of 20,000 reads as a surname, and the largest 50 are enough for a league's table.
    named_after_top: int = 50
    # A city written with its region ("Boston, Massachusetts") comes from another region only when every city
    # of the one that fits is taken.
    out_of_region_prior: float = -20.0
    # The target's direction dominates an analogy query, so without a jitter every surname would get the one
    # most typical of the target. The jitter is Gumbel noise of this scale on the prior (localize.pools.variety):
    # each original draws its replacement with odds that follow the frequency prior, the same draw every run
    # (benchmarks/naturalness.py, variety: 0.17 -> 0.59 distinct first names per distinct original, India; 0.71
    # with the cleaned pools of 500 first names per gender).
    jitter_unknown: float = 1.0
    jitter_name: float = 1.0
    jitter_place: float = 1.0
    # Weights of how well a given name goes with the person's surname, against the frequency prior and the
    # jitter (names of one community, "Laxmi Ali" rare): by the names' country fingerprints and spelling
    # (localize.communities), and by their word vectors (benchmarks/naturalness.py, name pairs).
    community_weight: float = 5.0
    community_vector_weight: float = 5.0
    # Organisations are few per kind and ranked by the analogy within their kind: a smaller jitter, which still
    # spreads many companies of one sector over the target's (localize.organisations).
    jitter_organisation: float = 0.3
    # An acronym ("NASA") becomes the target's acronym ("ISRO") only where that is among this many most frequent
    # words of the vectors; a rarer one ("MAFF") reads as a name to a reader and to the tagger: the full name then.
    known_acronym_rank: int = 100_000
    places: PlaceSizes = field(default_factory=PlaceSizes)
    # An e-mail or web address follows the replaced names written in it (localize.contacts); a name shorter than
    # this only where no letter touches it: "al" or "lee" is inside too many words ("alpha", "sleek").
    contact_min_letters: int = 4
    # Vectors files are frequency-sorted; replacements come from the most frequent words only, which
    # keeps search fast and avoids rare junk tokens.
    search_vocab: int = 150_000
    # Nearest neighbours of the analogy inspected before the exclusion/type filters thin them out.
    topn: int = 300
    alternatives: int = 4
    vector_type_filter: bool = True
    # k in the k-nearest-seed vote of the vector-only type filter.
    type_k: int = 5
    # Fewer seed words of a class in the vocabulary than this, and the vote means nothing: no type filter.
    type_min_seeds: int = 10
    require_closer_to_target: bool = True
    # Candidates per entity sent to an injected type checker (one batched call per text).
    probe_candidates: int = 5
    # Characters of context either side of a probed candidate: taggers see it in a real sentence.
    probe_window: int = 200
    cache_size: int = 8192

    def __post_init__(self) -> None:
        if self.pool_part not in POOL_PARTS:
            raise LocalizeError(f"pool part must be one of {', '.join(POOL_PARTS)}, got {self.pool_part!r}")
        if not 0.0 < self.held_out_share < 1.0:
            raise LocalizeError(f"held-out share must be between 0 and 1, got {self.held_out_share}")


class LocalizeError(ValueError):
    """Bad input to the localizer: unknown target word, unreadable vectors, malformed entities."""
