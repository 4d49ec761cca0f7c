"""Distillation (teacher logits cached per word, KL loss) and the case embedding for encoders without token types."""

import json

import pytest
import torch
from transformers import AutoTokenizer, DataCollatorForTokenClassification

from conll import LABELS
from ner.config import NerConfig
from ner.model import load_model as ner_load_model
from ner.model_inputs import CASE_EMBEDDING, CASE_EMBEDDING_FILE, CaseEmbeddingModel
from training import distillation
from training.evaluate import evaluate_model_dirs
from training.features import IGNORE
from training.modeling import load_trained_model
from training.train import main as train_main

from .conll_fixtures import write_conll_dir
from .helpers import one_thread, tiny_model_dir, uncased_tokenizer_dir


@pytest.fixture(autouse=True)
def _one_thread():
    with one_thread():
        yield


def test_loss_is_cross_entropy_at_weight_zero_and_zero_when_student_equals_teacher():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, len(LABELS))
    labels = torch.tensor([[IGNORE, 1, 2, IGNORE, 0], [IGNORE, 3, IGNORE, IGNORE, IGNORE]])
    teacher = torch.randn(2, 5, len(LABELS))
    mask = labels != IGNORE
    expected = torch.nn.functional.cross_entropy(logits[mask], labels[mask])
    assert distillation.distillation_loss(logits, labels, teacher, 0.0, 2.0) == pytest.approx(expected.item())
    assert distillation.distillation_loss(logits, labels, logits, 1.0, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    # Padding positions do not count: changing the teacher there changes nothing.
    noisy = teacher.clone()
    noisy[~mask] = 100.0
    same = distillation.distillation_loss(logits, labels, noisy, 0.5, 2.0)
    assert same == pytest.approx(distillation.distillation_loss(logits, labels, teacher, 0.5, 2.0).item())


def test_collator_lays_teacher_rows_on_the_labelled_positions():
    tokenizer = AutoTokenizer.from_pretrained(uncased_tokenizer_dir())
    collate = distillation.DistillationCollator(DataCollatorForTokenClassification(tokenizer))
    rows = [[float(i)] * len(LABELS) for i in (1, 2)]
    features = [
        {"input_ids": [101, 7, 8, 9, 102], "labels": [IGNORE, 1, IGNORE, 0, IGNORE], "teacher_logits": rows},
        {"input_ids": [101, 7, 102], "labels": [IGNORE, 3, IGNORE], "teacher_logits": rows[:1]},
    ]
    batch = collate(features)
    targets = batch["teacher_logits"]
    assert targets.shape == (2, 5, len(LABELS))
    assert targets[0, 1, 0] == 1.0 and targets[0, 3, 0] == 2.0 and targets[1, 1, 0] == 1.0
    assert targets[0, [0, 2, 4]].abs().sum() == 0 and targets[1, 2:].abs().sum() == 0


def always_b_loc_teacher(directory):
    """A teacher (uncased tokenizer, unlike the cased student) whose every word is confidently B-LOC."""
    tiny_model_dir(directory, tokenizer_dir=uncased_tokenizer_dir())
    model = load_trained_model(directory)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-5.0)
        model.classifier.bias[LABELS.index("B-LOC")] = 5.0
    model.save_pretrained(directory)
    return directory


@pytest.mark.slow
def test_a_student_follows_its_teacher_and_the_logits_are_cached(tmp_path, monkeypatch):
    data = write_conll_dir(tmp_path / "data", repeat=4)
    teacher = always_b_loc_teacher(tmp_path / "teacher")
    student = tiny_model_dir(tmp_path / "student", labels=None)
    args = ["--data", str(data), "--model", str(student), "--batch-size", "8", "--learning-rate", "3e-3",
            "--warmup-ratio", "0", "--epochs", "3", "--teacher", str(teacher), "--distill-weight", "1"]  # fmt: skip
    assert train_main([*args, "--output-dir", str(tmp_path / "run")]) == 0
    assert len(list(teacher.glob("logits-*.safetensors"))) == 1
    dev = json.loads((tmp_path / "run" / "best" / "metrics.json").read_text())["dev"]
    # Taught only by the teacher, the student calls every word a location: all gold LOCs found, little else right.
    assert dev["per_type"]["LOC"]["recall"] == 1.0 and dev["per_type"]["PER"]["recall"] == 0.0
    card = (tmp_path / "run" / "best" / "README.md").read_text()
    assert f"distilled from the teacher `{teacher}`" in card and "--distill-weight 1.0" in card

    def no_teacher_run(*_):
        raise AssertionError("the cached logits should have been used")

    monkeypatch.setattr(distillation, "compute_teacher_logits", no_teacher_run)
    assert train_main([*args, "--output-dir", str(tmp_path / "again"), "--epochs", "1"]) == 0


def test_teacher_needs_first_sub_word_labels(tmp_path, capsys):
    data = write_conll_dir(tmp_path / "data")
    teacher = always_b_loc_teacher(tmp_path / "teacher")
    args = ["--data", str(data), "--model", str(teacher), "--output-dir", str(tmp_path / "run"),
            "--teacher", str(teacher), "--label-all-tokens"]  # fmt: skip
    assert train_main(args) == 2
    assert "--label-all-tokens" in capsys.readouterr().err


def right_padded_batch():
    ids = torch.tensor([[101, 2198, 4041, 102], [101, 3000, 102, 0]])
    return ids, (ids != 0).long()


def test_case_embedding_adds_nothing_for_lower_case_and_changes_the_rest(tiny_mpnet):
    model = tiny_mpnet()
    wrapped = CaseEmbeddingModel(model).eval()
    ids, mask = right_padded_batch()
    with torch.no_grad():
        plain = model(input_ids=ids, attention_mask=mask).logits
        lower = wrapped(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).logits
        titled = wrapped(input_ids=ids, attention_mask=mask, token_type_ids=torch.ones_like(ids)).logits
    # inputs_embeds must give the positions that input_ids gives, padding included
    torch.testing.assert_close(lower[mask.bool()], plain[mask.bool()])
    assert (titled - plain).abs().max() > 1e-3
    assert wrapped.config.case_feature == CASE_EMBEDDING


def test_case_embedding_model_saves_and_loads_in_training_and_in_ner(tmp_path, tiny_mpnet):
    wrapped = CaseEmbeddingModel(tiny_mpnet()).eval()
    wrapped.save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(uncased_tokenizer_dir()).save_pretrained(tmp_path)
    assert (tmp_path / CASE_EMBEDDING_FILE).is_file()
    ids, mask = right_padded_batch()
    cases = torch.tensor([[0, 1, 2, 0], [0, 3, 0, 0]])
    with torch.no_grad():
        expected = wrapped(input_ids=ids, attention_mask=mask, token_type_ids=cases).logits
        for loaded in (load_trained_model(tmp_path).eval(), ner_load_model(tmp_path, NerConfig())[0]):
            assert isinstance(loaded, CaseEmbeddingModel)
            logits = loaded(input_ids=ids, attention_mask=mask, token_type_ids=cases).logits
            torch.testing.assert_close(logits, expected)


@pytest.mark.slow
def test_case_feature_on_an_encoder_without_token_types_trains_and_evaluates(tmp_path, tiny_mpnet):
    data = write_conll_dir(tmp_path / "data", repeat=2)
    tiny_mpnet(tmp_path / "mpnet")
    args = ["--data", str(data), "--model", str(tmp_path / "mpnet"), "--output-dir", str(tmp_path / "run"),
            "--case-feature", "--epochs", "1", "--batch-size", "8"]  # fmt: skip
    assert train_main(args) == 0
    best = tmp_path / "run" / "best"
    assert (best / CASE_EMBEDDING_FILE).is_file()
    assert json.loads((best / "config.json").read_text())["case_feature"] == CASE_EMBEDDING
    assert "test" in json.loads((best / "metrics.json").read_text())


def test_ensemble_of_a_model_with_itself_scores_as_the_model_alone(tmp_path):
    data = write_conll_dir(tmp_path / "data")
    model = str(tiny_model_dir(tmp_path / "tiny", tokenizer_dir=uncased_tokenizer_dir()))
    teacher = str(always_b_loc_teacher(tmp_path / "teacher"))
    alone = evaluate_model_dirs([model], str(data), "test")
    assert evaluate_model_dirs([model, model], str(data), "test") == alone
    # A confident member outvotes a random one: the pair then tags like the confident model.
    confident = evaluate_model_dirs([teacher], str(data), "test")
    assert evaluate_model_dirs([model, teacher], str(data), "test") == confident != alone
