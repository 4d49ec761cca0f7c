"""EntityTagger on tiny random models: exact offsets on any text, windows, case feature, context, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transformers import BertConfig, BertModel

import ner.config
from ner import EntityTagger, NerConfig, NerError
from ner.text import segment
from tests.helpers import one_thread, tiny_model_dir, uncased_tokenizer_dir

ODD_TEXTS = [
    "",
    "   \n\t \r\n ",
    "\x00\x01\x07\x1b",
    "Zoë Ångström visited São Paulo and Besançon.",
    "東京で会いましょう。北京欢迎你！",
    "Party 🎉🎉 with Ann 👩‍👩‍👧 in Rome 🇮🇹",
    "שלום עולם, مرحبا بالعالم",
    "tabs\tand\nnew\r\nlines\x0band\x0cfeeds",
    "broken\ud800surrogate and zero\u200bwidth",
]


@pytest.fixture(scope="module", autouse=True)
def _single_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def tagger(model_dir: Path) -> EntityTagger:
    return EntityTagger.load(model_dir, NerConfig(max_length=48, window_overlap=12))


def check_entities(text: str, entities: list[dict]) -> None:
    previous_end = 0
    starts = {start for start, _ in segment(text).words}
    ends = {end for _, end in segment(text).words}
    for entity in entities:
        assert entity["start"] in starts and entity["end"] in ends  # never inside a word ("Schi"/"hol")
        assert set(entity) == {"entity_group", "score", "word", "start", "end"}
        assert text[entity["start"] : entity["end"]] == entity["word"] == entity["word"].strip() != ""
        assert entity["start"] >= previous_end  # sorted, no overlap, no duplicates
        previous_end = entity["end"]
        assert entity["entity_group"] in {"PER", "ORG", "LOC", "MISC"}
        assert 0.0 < entity["score"] <= 1.0
    assert json.loads(json.dumps(entities)) == entities  # plain python ints and floats


def test_one_text_gives_entities_a_list_gives_lists(tagger: EntityTagger) -> None:
    text = "My name is Mitchell and I live in Paris. Angela Merkel met Barack Obama in Berlin."
    entities = tagger(text)
    assert entities, "a random model labels some words as entities"
    check_entities(text, entities)
    assert tagger([text, "", text]) == [entities, [], entities]
    assert tagger([]) == []
    assert tagger((text,)) == [entities]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_texts_keep_exact_offsets(tagger: EntityTagger, text: str) -> None:
    check_entities(text, tagger(text))


def test_odd_texts_in_one_batch_match_one_by_one(tagger: EntityTagger) -> None:
    assert tagger(ODD_TEXTS) == [tagger(text) for text in ODD_TEXTS]


def test_parallel_workers_give_each_text_its_own_entities(model_dir: Path) -> None:
    texts = [f"Angela Merkel met {name} in Berlin on day {i}." for i, name in enumerate(["Ann", "Bo", "Cy"] * 9)]
    texts += ODD_TEXTS + [" ".join(["Paris"] * n) for n in range(1, 40, 3)]
    one = EntityTagger.load(model_dir, NerConfig(batch_size=2))(texts)
    assert EntityTagger.load(model_dir, NerConfig(batch_size=2, workers=3))(texts) == one
    assert sum(map(len, one)) > 20


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.text(max_size=40), st.sampled_from(["Paris", "U.S.", "(Reuters)", ".", "\n", " "])),
        max_size=12,
    ).map("".join)
)
def test_offsets_are_exact_on_generated_text(tagger: EntityTagger, text: str) -> None:
    check_entities(text, tagger(text))


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["ok", 5], ["ok", None], [b"x"]])
def test_bad_input_raises_ner_error(tagger: EntityTagger, bad: object) -> None:
    with pytest.raises(NerError, match=r"^[^\n]+$"):
        tagger(bad)  # type: ignore[arg-type]
    assert issubclass(NerError, ValueError)


def test_windows_on_a_2000_word_text_match_per_word_predictions(tmp_path: Path) -> None:
    """A context-free model predicts each word alone, so windowing must not change, drop or repeat a label."""
    tagger = EntityTagger.load(tiny_model_dir(tmp_path, context_free=True), NerConfig(max_length=32))
    words = [f"Word{i}" if i % 7 else f"Zürich-{i}" for i in range(2000)]
    text = " ".join(words)  # one sentence: no final punctuation, no line breaks
    doc = segment(text)
    assert len(doc.words) == 2000 and doc.sentences == [(0, 2000)]
    whole = tagger.label_words([doc])[0]
    alone = [labels[0] for labels in tagger.label_words([segment(word) for word in words])]
    assert [label for label, _ in whole] == [label for label, _ in alone]
    assert [prob for _, prob in whole] == pytest.approx([prob for _, prob in alone], abs=1e-5)
    check_entities(text, tagger(text))


def test_long_text_with_a_real_encoder_labels_every_word_once(tagger: EntityTagger) -> None:
    text = " ".join(f"Name{i} lives in Town{i}" for i in range(500))  # 2,000 words, one sentence
    labels = tagger.label_words([segment(text)])[0]
    assert len(labels) == 2000 and all(prob > 0 for _, prob in labels)
    check_entities(text, tagger(text))


def capture_inputs(tagger: EntityTagger) -> list[dict[str, torch.Tensor]]:
    calls: list[dict[str, torch.Tensor]] = []
    tagger.model.register_forward_pre_hook(lambda _, args, kwargs: calls.append(kwargs), with_kwargs=True)
    return calls


def test_case_feature_feeds_case_shapes_of_the_original_text(tmp_path: Path) -> None:
    directory = tiny_model_dir(
        tmp_path, uncased_tokenizer_dir(), type_vocab_size=4, case_feature="token_type_case_shape"
    )
    tagger = EntityTagger.load(directory)
    calls = capture_inputs(tagger)
    text = "paris Paris PARIS McDonald"
    check_entities(text, tagger(text))
    ids, types = calls[0]["input_ids"][0], calls[0]["token_type_ids"][0]
    assert ids[1] == ids[2] == ids[3]  # uncased: the same sub-word three times
    assert types.tolist()[:4] == [0, 0, 1, 2] and types.tolist()[-1] == 0  # [CLS] lower Title UPPER ... [SEP]
    assert 3 in types.tolist()  # McDonald: mixed case


def test_model_without_case_feature_gets_no_token_types(tagger: EntityTagger) -> None:
    calls = capture_inputs(tagger)
    tagger("Paris")
    assert "token_type_ids" not in calls[0]


def test_context_tokens_from_the_model_config_add_neighbour_sentences(tmp_path: Path) -> None:
    directory = tiny_model_dir(tmp_path, context_tokens=3)
    with_context = EntityTagger.load(directory)
    without = EntityTagger.load(directory, NerConfig(context_tokens=0))
    text = "Alpha beta gamma.\nDelta epsilon."
    sequences = {}
    for name, tagger in (("with", with_context), ("without", without)):
        calls = capture_inputs(tagger)
        check_entities(text, tagger(text))
        masks = torch.cat([call["attention_mask"] for call in calls])
        sequences[name] = sorted(int(n) for n in masks.sum(1))
    alpha = len(without.tokenizer("Alpha beta gamma.")["input_ids"])
    delta = len(without.tokenizer("Delta epsilon.")["input_ids"])
    assert sequences["without"] == sorted([alpha, delta])
    assert sequences["with"] == sorted([alpha + 3, delta + 3])


def test_bad_worker_count_is_refused() -> None:
    with pytest.raises(NerError, match="workers must be at least 1, got 0"):
        NerConfig(workers=0)


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(NerError, match="precision must be one of auto, float32, bfloat16, int8, got 'fp8'"):
        NerConfig(precision="fp8")  # type: ignore[arg-type]


def test_missing_default_model_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ner.config, "MODELS_DIR", tmp_path / "models")
    monkeypatch.setattr(ner.config, "DEFAULT_MODEL", "fast")
    expected = r"^no model at models/ner-default \(--model fast\): run `make model`, or pass --model DIR$"
    with pytest.raises(NerError, match=expected):
        EntityTagger.load()


def test_bad_model_locations(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NerError, match="not a model directory"):
        EntityTagger.load(tmp_path / "file.txt")
    with pytest.raises(NerError, match="no model directory at"):
        EntityTagger.load(tmp_path / "missing")
    with pytest.raises(NerError, match="cannot load"):
        EntityTagger.load(tmp_path)  # an empty directory


def test_model_without_entity_labels_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NerError, match="no token-classification labels"):
        EntityTagger.load(tiny_model_dir(tmp_path, labels=None))


def test_encoder_without_classification_head_is_refused(tmp_path: Path) -> None:
    tiny_model_dir(tmp_path)
    config = BertConfig.from_pretrained(tmp_path)
    BertModel(config).save_pretrained(tmp_path)  # same labels and tokenizer, but no classifier weights
    with pytest.raises(NerError, match="no trained classification head"):
        EntityTagger.load(tmp_path)


def test_fp16_checkpoint_runs_in_float32_and_quantizes(model_dir: Path, tmp_path: Path) -> None:
    """The shipped model is stored in fp16 (``training.export``); inference must not run in half precision."""
    from training.export import export

    half = tmp_path / "half"
    export(model_dir, half)
    text = "Angela Merkel met Barack Obama in Berlin."
    tagger = EntityTagger.load(half)
    assert {p.dtype for p in tagger.model.parameters()} == {torch.float32}
    check_entities(text, tagger(text))
    check_entities(text, EntityTagger.load(half, NerConfig(precision="int8"))(text))


def test_inference_inputs_match_what_training_encodes(tmp_path: Path) -> None:
    """ner rebuilds training's layout (context, case-shape token types) on its own; the two must not drift."""
    from training.data import load_data
    from training.features import encode_split

    from .conll_fixtures import SENTENCES, write_conll_dir

    tokenizer_dir = uncased_tokenizer_dir()
    tagger = EntityTagger.load(
        tiny_model_dir(tmp_path / "m", tokenizer_dir, context_tokens=6, type_vocab_size=4,
                       case_feature="token_type_case_shape")
    )  # fmt: skip
    train = load_data(str(write_conll_dir(tmp_path / "data")))["train"]
    expected = encode_split(train, tagger.tokenizer, context_tokens=6, case_feature=True)
    documents = [SENTENCES[:3], SENTENCES[3:]]  # as in conll_fixtures: two documents
    texts = ["\n".join(" ".join(word for word, _ in sentence) for sentence in doc) for doc in documents]
    calls = capture_inputs(tagger)
    tagger(texts)
    fed = set()
    for call in calls:
        for ids, types, mask in zip(call["input_ids"], call["token_type_ids"], call["attention_mask"], strict=True):
            length = int(mask.sum())
            fed.add((tuple(ids[:length].tolist()), tuple(types[:length].tolist())))
    trained = {(tuple(row["input_ids"]), tuple(row["token_type_ids"])) for row in expected}
    assert fed == trained


def test_words_are_encoded_as_the_tokenizer_encodes_each_word(model_dir: Path) -> None:
    """One pre-tokenized call must give every word the pieces and offsets of encoding it alone, and a
    truncation setting saved with the tokenizer (bert-base-cased has one) must not cut anything."""
    loaded = EntityTagger.load(model_dir)
    texts = [*ODD_TEXTS, "x" * 40 + " Zoë Ångström", "Angela Merkel met Barack Obama in Berlin."]
    words = [doc.text[s:e] for doc in map(segment, texts) for s, e in doc.words]
    alone = [loaded.tokenizer.backend_tokenizer.encode(w, add_special_tokens=False) for w in words]
    loaded.tokenizer.backend_tokenizer.enable_truncation(max_length=4)
    ids, offsets = EntityTagger(loaded.model, loaded.tokenizer)._encode(words)
    assert ids == [e.ids for e in alone]
    assert offsets == [e.offsets for e in alone]
    assert max(len(i) for i in ids) > 4


@pytest.mark.parametrize("enabled", [True, False])
def test_a_call_leaves_the_garbage_collector_as_it_found_it(tagger: EntityTagger, enabled: bool) -> None:
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        tagger("Angela Merkel met Barack Obama in Berlin.")
        with pytest.raises(NerError):
            tagger([1])  # type: ignore[list-item]
        assert gc.isenabled() == enabled
    finally:
        gc.enable()
