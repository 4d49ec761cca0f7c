"""Datasets through ``ner`` and ``localize``: ``python -m corpus conll`` moves a labelled CoNLL corpus to
another country, tags following the replacements (``corpus.labelled``, over ``conll``); ``python -m corpus
tag|rewrite`` tags or rewrites the text column of a JSONL, CSV, Parquet, save_to_disk or Hub dataset into resumable
shards (``corpus.batch`` the work on one batch, ``corpus.run`` the run over the dataset and its engines,
``corpus.shards`` the rows in and out, ``corpus.config`` the settings)."""
