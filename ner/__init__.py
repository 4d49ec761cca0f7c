"""Named-entity recognition on raw text: ``EntityTagger.load()(text)`` -> entities with exact offsets."""

from ner.config import NerConfig
from ner.errors import NerError
from ner.tagger import EntityTagger

__all__ = ["EntityTagger", "NerConfig", "NerError"]
