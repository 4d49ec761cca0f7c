"""Compressing a case-embedding teacher into a standard student: cased vocabulary, kept layers, pruned rows."""

import json

import pytest
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from ner import EntityTagger
from ner.model_inputs import CaseEmbeddingModel, add_case_embeddings, case_shape_ids
from training.compress import main as compress_main
from training.compress import spellings
from training.config import TrainConfig
from training.model_card import write_model_card
from training.modeling import load_trained_model

from .conll_fixtures import write_conll_dir
from .helpers import one_thread, tiny_model_dir, uncased_tokenizer_dir

SENTENCE = "Angela Merkel met UN officials in PARIS on Monday"


@pytest.fixture(autouse=True)
def _one_thread():
    with one_thread():
        yield


@pytest.fixture
def teacher_dir(tmp_path, tiny_mpnet):
    teacher = CaseEmbeddingModel(tiny_mpnet()).eval()
    with torch.no_grad():  # rows large enough that losing the case would change every logit
        teacher.case_embedding.weight[1:].normal_(0.0, 1.0)
    teacher.save_pretrained(tmp_path / "teacher")
    AutoTokenizer.from_pretrained(uncased_tokenizer_dir()).save_pretrained(tmp_path / "teacher")
    return tmp_path / "teacher"


def teacher_logits(teacher_dir, text: str) -> torch.Tensor:
    """Logits of a case-aware model (MPNet case embedding or BERT token types) given the text's case ids."""
    tokenizer = AutoTokenizer.from_pretrained(teacher_dir)
    encoded = tokenizer(text, return_offsets_mapping=True, return_token_type_ids=False, return_tensors="pt")
    cases = torch.tensor([case_shape_ids(text, encoded.pop("offset_mapping")[0].tolist())])
    with torch.no_grad():
        return load_trained_model(teacher_dir).eval()(**encoded, token_type_ids=cases).logits


def student_logits(student_dir, text: str) -> torch.Tensor:
    tokenizer = AutoTokenizer.from_pretrained(student_dir)
    model = AutoModelForTokenClassification.from_pretrained(student_dir).eval()
    with torch.no_grad():
        return model(**tokenizer(text, return_tensors="pt")).logits


def test_spellings_are_lower_title_and_upper_without_duplicates_or_lossy_ones():
    assert spellings("paris") == ["paris", "Paris", "PARIS"]
    assert spellings("##ing") == ["##ing", "##Ing", "##ING"]
    assert spellings("a") == ["a", "A"]
    assert spellings("1990") == ["1990"]
    assert spellings("ß") == ["ß"]  # "SS" would not lower-case back to it


def test_a_student_with_every_layer_and_row_gives_the_teachers_logits_from_plain_cased_text(tmp_path, teacher_dir):
    assert compress_main([str(teacher_dir), str(tmp_path / "student")]) == 0  # all layers and rows by default
    student = student_logits(tmp_path / "student", SENTENCE)
    torch.testing.assert_close(student, teacher_logits(teacher_dir, SENTENCE), atol=1e-4, rtol=1e-4)
    # the case is in the pieces themselves: lower-casing the text changes the logits
    assert (student_logits(tmp_path / "student", SENTENCE.lower()) - student).abs().max() > 1e-2
    config = AutoModelForTokenClassification.from_pretrained(tmp_path / "student").config
    assert not hasattr(config, "case_feature")
    # and ner takes it as it is: no case ids to compute, entities with exact offsets
    tagger = EntityTagger.load(tmp_path / "student")
    assert not tagger.case_feature
    assert all(SENTENCE[e["start"] : e["end"]] == e["word"] for e in tagger(SENTENCE))


def test_a_bert_model_with_case_token_types_converts_exactly_too(tmp_path):
    model = AutoModelForTokenClassification.from_pretrained(
        tiny_model_dir(tmp_path / "bert", tokenizer_dir=uncased_tokenizer_dir())
    )
    add_case_embeddings(model)
    with torch.no_grad():
        model.bert.embeddings.token_type_embeddings.weight.normal_(0.0, 1.0)
    model.save_pretrained(tmp_path / "bert")
    assert compress_main([str(tmp_path / "bert"), str(tmp_path / "student")]) == 0
    student = student_logits(tmp_path / "student", SENTENCE)
    torch.testing.assert_close(student, teacher_logits(tmp_path / "bert", SENTENCE), atol=1e-4, rtol=1e-4)
    # a model trained without the case feature has nothing to move
    assert compress_main([str(tiny_model_dir(tmp_path / "plain")), str(tmp_path / "nothing")]) == 2


def test_kept_layers_are_the_teachers(tmp_path, teacher_dir):
    assert compress_main([str(teacher_dir), str(tmp_path / "student"), "--layers", "1", "--vocab-size", "0"]) == 0
    student = AutoModelForTokenClassification.from_pretrained(tmp_path / "student")
    teacher = AutoModelForTokenClassification.from_pretrained(teacher_dir)
    assert student.config.num_hidden_layers == 1
    torch.testing.assert_close(student.mpnet.encoder.layer[0].state_dict(), teacher.mpnet.encoder.layer[1].state_dict())
    torch.testing.assert_close(student.classifier.weight, teacher.classifier.weight)


def test_a_pruned_vocabulary_keeps_the_used_pieces_and_every_character(tmp_path, teacher_dir):
    data = write_conll_dir(tmp_path / "data")  # its training text has BRUSSELS, Peter, Amsterdam ...
    args = [str(teacher_dir), str(tmp_path / "student"), "--layers", "0,1", "--vocab-size", "2400", "--data", str(data)]
    assert compress_main(args) == 0
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "student")
    model = AutoModelForTokenClassification.from_pretrained(tmp_path / "student")
    assert len(tokenizer) == model.config.vocab_size <= 2400
    assert {"BRUSSELS", "Peter", "Amsterdam", "rejects"} <= set(tokenizer.get_vocab())
    assert "Monday" not in tokenizer.get_vocab()  # never used in that text
    pieces = tokenizer.tokenize("Monday in Zürich, ΑΘΗΝΑ")
    assert tokenizer.unk_token not in pieces  # unseen words fall back to smaller pieces, down to characters
    assert pieces[:6] == ["M", "##o", "##n", "##d", "##a", "##y"] and pieces[-5:] == ["Α", "##Θ", "##Η", "##Ν", "##Α"]


def test_general_words_fill_the_rows_the_training_text_leaves(tmp_path, teacher_dir):
    data = write_conll_dir(tmp_path / "data")
    args = [str(teacher_dir), str(tmp_path / "student"), "--layers", "0", "--vocab-size", "3000", "--data", str(data)]
    assert compress_main([*args, "--general-words", "2000"]) == 0
    vocab = AutoTokenizer.from_pretrained(tmp_path / "student").get_vocab()
    assert len(vocab) == 3000
    assert {"BRUSSELS", "Peter", "Monday", "monday", "government"} <= set(vocab)


def test_too_small_a_vocabulary_or_a_missing_layer_is_a_clear_error(tmp_path, teacher_dir, capsys):
    data = write_conll_dir(tmp_path / "data")
    args = [str(teacher_dir), str(tmp_path / "student"), "--vocab-size", "50", "--layers", "0", "--data", str(data)]
    assert compress_main(args) == 2
    assert "single characters" in capsys.readouterr().err
    assert compress_main([str(teacher_dir), str(tmp_path / "student"), "--layers", "0,2"]) == 2
    assert "pick from 0 to 1" in capsys.readouterr().err


def test_the_model_card_of_a_run_from_a_compressed_student_names_the_teacher(tmp_path):
    origin = {"teacher": "runs/t/best", "layers": [0, 1], "vocab_size": 3000}
    (tmp_path / "config.json").write_text(json.dumps({"compressed_from": origin}))
    write_model_card(tmp_path, TrainConfig(model="runs/student"), {"epoch": 1})
    card = (tmp_path / "README.md").read_text()
    assert "`runs/student` was cut from `runs/t/best`" in card
    assert "its layers [0, 1], a cased vocabulary of 3000 pieces" in card
