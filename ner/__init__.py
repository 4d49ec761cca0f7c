"""Named-entity recognition on raw text: ``EntityTagger.load()(text)`` -> entities with exact offsets."""

from ner.config import PRECISIONS, NerConfig, NerError
from ner.tagger import EntityTagger

__all__ = ["PRECISIONS", "EntityTagger", "NerConfig", "NerError"]
