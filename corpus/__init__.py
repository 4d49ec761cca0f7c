"""Datasets through ``ner`` and ``localize``: ``python -m corpus conll`` moves a labelled CoNLL corpus to
another country, tags following the replacements (``corpus.conll``)."""
