"""Named-entity recognition on raw text: ``EntityTagger.load()(text)`` -> entities with exact offsets."""

from ner.config import PRECISIONS, NerConfig, NerError
from ner.tagger import EntityTagger
from ner.text import contacts, with_contacts

__all__ = ["PRECISIONS", "EntityTagger", "NerConfig", "NerError", "contacts", "with_contacts"]
