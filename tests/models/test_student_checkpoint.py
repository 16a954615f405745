"""Student weights in parts (the accelerator's file limit) join back into a checkpoint the
ranker exporter loads, with the pruned depth in its config."""

from __future__ import annotations

import torch
from jobsearch.models.student_checkpoint import assemble, join_parts
from safetensors.torch import save_file


def test_chunks_join_in_order(tmp_path) -> None:
    big = torch.arange(12, dtype=torch.float16).view(6, 2)
    save_file({"w.__chunk1": big[3:].contiguous(), "b": torch.ones(2, dtype=torch.float16)},
              str(tmp_path / "student.part1.safetensors"))
    save_file({"w.__chunk0": big[:3].contiguous()}, str(tmp_path / "student.part0.safetensors"))
    sd = join_parts(sorted(tmp_path.glob("student.part*.safetensors")))
    assert torch.equal(sd["w"], big) and set(sd) == {"w", "b"}


def test_assemble_a_pruned_student(tmp_path) -> None:
    from jobsearch.models.teacher import base_model_path
    from transformers import AutoModelForSequenceClassification

    from jobsearch.rank.export import load_checkpoint

    base = base_model_path()
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1, local_files_only=True)
    model.bert.encoder.layer = model.bert.encoder.layer[:1]
    sd = {k: v.half().contiguous() for k, v in model.state_dict().items() if v.is_floating_point()}
    emb = sd.pop("bert.embeddings.word_embeddings.weight")
    half = emb.shape[0] // 2
    sd["bert.embeddings.word_embeddings.weight.__chunk0"] = emb[:half].contiguous()
    sd["bert.embeddings.word_embeddings.weight.__chunk1"] = emb[half:].contiguous()
    parts = tmp_path / "parts"
    parts.mkdir()
    save_file(sd, str(parts / "student.part0.safetensors"))
    out = assemble(parts, tmp_path / "ckpt", layers=1, base=base)
    loaded = load_checkpoint(out)
    assert loaded.config.num_hidden_layers == 1 and (out / "tokenizer.json").exists()
    assert torch.allclose(loaded.bert.embeddings.word_embeddings.weight.half(), emb)


def test_finish_refuses_a_folder_that_is_not_a_run(tmp_path) -> None:
    from jobsearch.models.cli import app
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, ["ranker-finish", "--run", str(tmp_path), "--out", str(tmp_path / "o")])
    assert r.exit_code != 0 and "no metrics.json" in r.output
