"""localize.contacts: e-mail and web addresses and handles follow the replaced names they spell (localize,
pseudonymize), are redacted in redact mode, stay where they spell no replaced name, and restore byte for byte."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize import Localizer, Policy, restore
from localize.contacts import FOLLOWS_NAMES, NO_NAME, follow, name_words

from .helpers import ents

TEXT = "Kevin and Laura Miller opened a bakery in Portland (kevin@millerbakes.com, www.millerbakes.com, @KevinM)."
ITEMS = [("PER", "Kevin"), ("PER", "Laura Miller"), ("LOC", "Portland"), ("EMAIL", "kevin@millerbakes.com"),
         ("URL", "www.millerbakes.com"), ("HANDLE", "@KevinM")]  # fmt: skip


def by_original(result) -> dict[str, str | None]:  # noqa: ANN001 - a RewriteResult
    return {r.original: r.replacement for r in result.replacements}


@pytest.mark.parametrize("mode", ["localize", "pseudonymize"])
def test_an_address_follows_the_names_it_spells(loc: Localizer, mode: str) -> None:
    result = loc.rewrite(TEXT, ents(TEXT, *ITEMS), "India", "USA", policy=Policy(mode))  # type: ignore[arg-type]
    new = by_original(result)
    given, surname = new["Kevin"].lower(), new["Laura Miller"].split()[-1].lower()
    assert new["kevin@millerbakes.com"] == f"{given}@{surname}bakes.com"
    assert new["www.millerbakes.com"] == f"www.{surname}bakes.com"
    assert new["@KevinM"] == f"@{new['Kevin']}M"  # a name of four letters or more, wherever it is written
    assert "kevin" not in result.text.lower() and "miller" not in result.text.lower()
    records = {r.original: r for r in result.replacements}
    assert records["kevin@millerbakes.com"].kind == "e-mail address"
    assert records["kevin@millerbakes.com"].pool == FOLLOWS_NAMES
    assert restore(result.text, result.mapping) == TEXT


def test_redact_numbers_addresses_like_entities_whatever_the_types(loc: Localizer) -> None:
    result = loc.rewrite(TEXT, ents(TEXT, *ITEMS), types=("PER",), policy=Policy("redact"))
    new = by_original(result)
    assert (new["kevin@millerbakes.com"], new["www.millerbakes.com"], new["@KevinM"]) == (
        "[EMAIL 1]", "[URL 1]", "[HANDLE 1]"
    )  # fmt: skip
    assert restore(result.text, result.mapping) == TEXT


def test_an_address_on_the_keep_list_or_without_a_name_stays(loc: Localizer) -> None:
    text = "Kevin Miller wrote from info@bakery.com and kevin@miller.org."
    items = [("PER", "Kevin Miller"), ("EMAIL", "info@bakery.com"), ("EMAIL", "kevin@miller.org")]
    result = loc.rewrite(text, ents(text, *items), "Japan", "USA", policy=Policy(keep=("kevin@miller.org",)))
    records = {r.original: r for r in result.replacements}
    assert records["info@bakery.com"].replacement is None and records["info@bakery.com"].reason == NO_NAME
    assert records["kevin@miller.org"].replacement is None
    assert "info@bakery.com" in result.text and "kevin@miller.org" in result.text


def test_a_saved_address_stays_as_the_writer_left_it(loc: Localizer) -> None:
    first = loc.rewrite(TEXT, ents(TEXT, *ITEMS), "India", "USA")
    mapping = first.mapping
    mapping.put("EMAIL", "kevin@millerbakes.com", type(mapping.get("EMAIL", "kevin@millerbakes.com"))("hi@x.in"))
    again = loc.rewrite(TEXT, ents(TEXT, *ITEMS), mapping=mapping)
    assert by_original(again)["kevin@millerbakes.com"] == "hi@x.in"
    assert by_original(again)["www.millerbakes.com"] == by_original(first)["www.millerbakes.com"]


def test_name_words_are_ascii_and_only_of_replaced_entities(loc: Localizer) -> None:
    text = "José Müller met Ann Lee in Paris."
    items = [("PER", "José Müller"), ("PER", "Ann Lee"), ("LOC", "Paris")]
    result = loc.rewrite(text, ents(text, *items), "Japan", "USA", policy=Policy(keep=("Paris",)))
    words = name_words(result.mapping)
    assert all(word.isascii() and new.isascii() and new.isalnum() for word, new in words.items())
    assert {"jose", "muller", "ann", "lee"} <= set(words) and "paris" not in words  # Paris kept: nothing to follow


def test_follow_keeps_case_and_spares_short_names_inside_words() -> None:
    words = {"miller": "Narayan", "smith": "Celik"}
    assert follow("Miller.Smith@MILLER.com", words) == "Narayan.Celik@NARAYAN.com"
    assert follow("al@alpha.com", {"al": "Ng"}) == "ng@alpha.com"  # "al" only where no letter touches it
    assert follow("jose.x@y.com", {"jose": "Jose"}) is None  # nothing changes: no new address
    assert follow("info@y.com", words) is None


NAMES = st.sampled_from(["Kevin", "Laura", "Miller", "Emma", "Thompson", "Jessica", "Alvarez", "Jack"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=NAMES, last=NAMES, joiner=st.sampled_from([".", "_", "", "-"]),
       domain=st.sampled_from(["x.com", "mail.org"]))  # fmt: skip
def test_no_replaced_name_survives_in_an_address_and_restore_gives_it_back(
    loc: Localizer, first: str, last: str, joiner: str, domain: str
) -> None:
    if first == last:
        return
    address = f"{first.lower()}{joiner}{last.lower()}@{domain}"
    text = f"{first} {last} can be reached at {address} today."
    result = loc.rewrite(text, ents(text, ("PER", f"{first} {last}"), ("EMAIL", address)), None, "USA",
                         policy=Policy("pseudonymize"))  # fmt: skip
    new_address = by_original(result)[address]
    assert new_address is not None
    for name in (first, last):
        assert not re.search(name.lower(), new_address.split("@")[0])
    assert restore(result.text, result.mapping) == text
