"""``--join-sentences P``: each epoch, some consecutive sentences of one document run on into one training row."""

from __future__ import annotations

import json

import pytest
import torch
from datasets import Dataset
from safetensors.torch import load_file
from transformers import AutoTokenizer

from training import train as train_module
from training.augment import Augmentation, epoch_copies
from training.config import TrainConfig
from training.data import features, load_conll_dir
from training.distillation import TEACHER_FIELD
from training.errors import DataError
from training.features import IGNORE
from training.joining import MAX_JOINED_WORDS, check_join_share, join_logits, join_sentences
from training.model_card import write_model_card
from training.train import main as train_main
from training.train import training_sets

from .conll_fixtures import write_conll_dir
from .helpers import CASED_TOKENIZER, dies_after_checkpoint, one_thread, tiny_model_dir


@pytest.fixture(scope="module")
def train_split(tmp_path_factory):
    # 40 documents of 3 and 2 sentences: 60 boundaries inside documents, 39 between them.
    return load_conll_dir(write_conll_dir(tmp_path_factory.mktemp("data"), repeat=20))["train"]


def sentences_of(dataset: Dataset) -> list[tuple[int, list[str], list[int]]]:
    return list(zip(dataset["document"], dataset["tokens"], dataset["ner_tags"], strict=True))


def check_joined(original: Dataset, joined: Dataset, groups: list[list[int]]) -> None:
    """Every sentence once, in order, each row the concatenation of its group, all of one document."""
    assert [i for group in groups for i in group] == list(range(len(original)))
    rows = sentences_of(original)
    for group, (document, tokens, tags) in zip(groups, sentences_of(joined), strict=True):
        assert {rows[i][0] for i in group} == {document}  # never across documents
        assert tokens == [word for i in group for word in rows[i][1]]
        assert tags == [tag for i in group for tag in rows[i][2]]
    assert joined.features == original.features


def test_joining_keeps_every_word_and_tag_in_order_within_documents(train_split) -> None:
    joined, groups = join_sentences(train_split, 0.9, seed=1, epoch=0, part="original")
    check_joined(train_split, joined, groups)
    assert len(train_split) - len(joined) > 40  # most of the 60 boundaries inside documents went
    assert max(len(group) for group in groups) == 3  # a whole document of three sentences, never more
    ids = train_split["id"]
    assert joined["id"] == ["+".join(ids[i] for i in group) for group in groups]


def test_share_zero_is_the_identity(train_split) -> None:
    joined, groups = join_sentences(train_split, 0.0, seed=1, epoch=0, part="original")
    assert groups == [[i] for i in range(len(train_split))]
    assert sentences_of(joined) == sentences_of(train_split)


def test_the_same_seed_and_epoch_give_the_same_rows_and_others_differ(train_split) -> None:
    def groups(seed: int, epoch: int, part: str = "original") -> list[list[int]]:
        return join_sentences(train_split, 0.5, seed, epoch, part)[1]

    assert groups(7, 2) == groups(7, 2)
    assert groups(7, 2) != groups(7, 3)  # each epoch its own run-on rows
    assert groups(7, 2) != groups(8, 2)
    assert groups(7, 2) != groups(7, 2, "copies")  # the copies draw from their own stream


def test_a_joined_run_stops_before_the_word_cap() -> None:
    words = 30  # one long document: four sentences would pass the cap
    rows = {
        "id": [str(i) for i in range(20)],
        "document": [0] * 20,
        "tokens": [[f"w{i}"] * words for i in range(20)],
        "ner_tags": [[0] * words for _ in range(20)],
    }
    dataset = Dataset.from_dict(rows, features=features())
    joined, groups = join_sentences(dataset, 0.99, seed=0, epoch=0, part="original")
    check_joined(dataset, joined, groups)
    assert max(len(tokens) for tokens in joined["tokens"]) == 3 * words <= MAX_JOINED_WORDS


def test_entity_switched_copies_are_joined_within_their_own_documents(train_split, tmp_path) -> None:
    settings = Augmentation(("India", "Vietnam"), ratio=1.0, epochs=1, seed=3, held_out_share=0.2)
    (copy,) = epoch_copies(train_split, settings, tmp_path)
    assert len(set(copy["document"])) > 10  # the copies carry one id per copied document
    joined, groups = join_sentences(copy, 0.9, seed=3, epoch=0, part="copies")
    check_joined(copy, joined, groups)
    assert len(joined) < len(copy)


def test_teacher_logits_are_joined_with_their_words() -> None:
    logits = [torch.full((n, 9), float(i)) for i, n in enumerate((2, 3, 1))]
    joined = join_logits(logits, [[0, 1], [2]])
    assert [rows[:, 0].tolist() for rows in joined] == [[0, 0, 1, 1, 1], [2]]


def test_a_share_outside_zero_to_one_is_one_line(tmp_path, capsys) -> None:
    for share in (0.0, 0.25, 0.99):
        check_join_share(share)
    for share in (1.0, -0.1, 1.5):
        with pytest.raises(DataError, match=r"--join-sentences .* 0 <= P < 1, got"):
            check_join_share(share)
    args = ["--data", str(tmp_path / "none"), "--model", str(tmp_path / "none"), "--join-sentences", "1"]
    assert train_main(args) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: --join-sentences") and error.count("\n") == 1


def test_training_sets_join_each_epoch_and_carry_the_teacher_logits(train_split, monkeypatch) -> None:
    tokenizer = AutoTokenizer.from_pretrained(CASED_TOKENIZER)
    encode = dict(context_tokens=0, case_feature=False, max_length=512)

    def fake_teacher(teacher, sentences, batch_size):  # each word's logits say which sentence and word it is
        return [torch.tensor([[float(s), float(w)] + [0.0] * 7 for w in range(len(t))]) for s, t in
                enumerate(sentences["tokens"])]  # fmt: skip

    monkeypatch.setattr(train_module, "teacher_logits", fake_teacher)
    cfg = TrainConfig(epochs=2, seed=5, join_sentences=0.5, teacher="teacher")
    sets = training_sets(train_split, [], tokenizer, encode, cfg)
    assert len(sets) == 2 and len(sets[0]) < len(train_split) and sets[0]["input_ids"] != sets[1]["input_ids"]
    for epoch, rows in enumerate(sets):
        _, groups = join_sentences(train_split, 0.5, 5, epoch, "original")
        for group, labels, teacher in zip(groups, rows["labels"], rows[TEACHER_FIELD], strict=True):
            expected = [[s, w] for s in group for w in range(len(train_split[s]["tokens"]))]
            assert [row[:2] for row in teacher] == expected
            assert sum(label != IGNORE for label in labels) == len(expected)


def test_share_zero_builds_the_training_sets_as_before(train_split, monkeypatch) -> None:
    def never(*args):
        raise AssertionError("nothing is joined at --join-sentences 0")

    monkeypatch.setattr(train_module, "join_sentences", never)
    tokenizer = AutoTokenizer.from_pretrained(CASED_TOKENIZER)
    encode = dict(context_tokens=0, case_feature=False, max_length=512)
    sets = training_sets(train_split, [], tokenizer, encode, TrainConfig(epochs=3))
    assert sets[0] is sets[1] is sets[2] and len(sets[0]) == len(train_split)


def test_the_model_card_records_the_share_only_when_used(tmp_path) -> None:
    (tmp_path / "config.json").write_text("{}")
    metrics = {"epoch": 1}
    write_model_card(tmp_path, TrainConfig(join_sentences=0.25), metrics)
    card = (tmp_path / "README.md").read_text()
    assert "--join-sentences 0.25" in card and "25% of the sentence boundaries inside a document" in card
    write_model_card(tmp_path, TrainConfig(), metrics)
    assert "join" not in (tmp_path / "README.md").read_text()  # as the cards of runs before the flag


@pytest.mark.slow
def test_a_joined_run_resumes_bit_identical_and_its_card_says_so(tmp_path) -> None:
    data = write_conll_dir(tmp_path / "data", repeat=8)
    model = tiny_model_dir(tmp_path / "model", labels=None)

    def command(output, *extra):
        return [
            "--data", str(data), "--model", str(model), "--output-dir", str(output), "--batch-size", "8",
            "--learning-rate", "3e-3", "--warmup-ratio", "0", "--seed", "7", "--epochs", "2",
            "--join-sentences", "0.5", *extra,
        ]  # fmt: skip

    with one_thread():
        assert train_main(command(tmp_path / "straight")) == 0
        with dies_after_checkpoint(step=3), pytest.raises(KeyboardInterrupt):  # mid-epoch 1
            train_main(command(tmp_path / "killed", "--save-steps", "1"))
        assert train_main(command(tmp_path / "killed", "--resume")) == 0
    state = json.loads((tmp_path / "straight" / "checkpoint" / "trainer_state.json").read_text())
    resumed = json.loads((tmp_path / "killed" / "checkpoint" / "trainer_state.json").read_text())
    assert resumed["global_step"] == state["global_step"] < 2 * 40 / 8  # fewer rows than 40 sentences per epoch
    straight = load_file(tmp_path / "straight" / "best" / "model.safetensors")
    for name, tensor in load_file(tmp_path / "killed" / "best" / "model.safetensors").items():
        torch.testing.assert_close(tensor, straight[name], rtol=1e-4, atol=1e-5)
    card = (tmp_path / "straight" / "best" / "README.md").read_text()
    assert "--join-sentences 0.5" in card and "50% of the sentence boundaries inside a document" in card
