import pytest

from conll import LABELS, to_iob2
from training.data import load_data, read_conll
from training.errors import DataError

from .conll_fixtures import SENTENCES, write_conll_dir


def test_reader_keeps_words_tags_and_documents(tmp_path):
    data = load_data(str(write_conll_dir(tmp_path)))
    train = data["train"]
    assert set(data) == {"train", "validation", "test"}
    assert train.features["ner_tags"].feature.names == LABELS
    assert train["tokens"][:] == [[w for w, _ in s] for s in SENTENCES]
    assert [[LABELS[t] for t in tags] for tags in train["ner_tags"]] == [[t for _, t in s] for s in SENTENCES]
    assert list(train["document"]) == [0, 0, 0, 1, 1]


def test_iob1_files_become_iob2(tmp_path):
    iob1 = read_conll(write_conll_dir(tmp_path / "a", scheme="iob1") / "train.txt")
    iob2 = read_conll(write_conll_dir(tmp_path / "b", scheme="iob2") / "train.txt")
    assert [s.tags for s in iob1] == [s.tags for s in iob2]


def test_iob1_conversion_rules():
    assert to_iob2(["I-PER", "I-PER", "O", "I-LOC"]) == ["B-PER", "I-PER", "O", "B-LOC"]
    assert to_iob2(["I-PER", "B-PER", "I-ORG"]) == ["B-PER", "B-PER", "B-ORG"]
    assert to_iob2(["B-LOC", "I-LOC"]) == ["B-LOC", "I-LOC"]


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"train\.txt: file not found"):
        read_conll(tmp_path / "train.txt")
    with pytest.raises(DataError, match="data directory not found"):
        load_data(str(tmp_path / "nowhere"))


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("EU NNP B-NP B-ORG\nrejects\n")
    with pytest.raises(DataError, match=r"train\.txt:2: expected 'word \.\.\. tag'"):
        read_conll(path)


def test_unknown_tag_names_file_and_line(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP B-FOO\n")
    with pytest.raises(DataError, match=r"train\.txt:4: unknown tag 'B-FOO'"):
        read_conll(path)


def test_non_utf8_file_is_reported(tmp_path):
    path = tmp_path / "train.txt"
    path.write_bytes("Zürich NNP B-NP B-LOC\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_conll(path)


def test_real_conllpp_test_split_if_present():
    from .helpers import CONLLPP

    if not CONLLPP.is_dir():
        pytest.skip("../shared/data/conllpp not present")
    sentences = read_conll(CONLLPP / "test.txt")
    assert len(sentences) == 3453
    assert sentences[-1].document == 230
