"""The model repository served by a real Triton server (pytriton on CPU), called with
tritonclient.http and through the remote encoder stage: the vectors equal ONNX Runtime's
in-process ones, which is what the embedded pipeline uses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

TEXTS = [
    "python developer",
    "senior data engineer jobs in Berlin, remote friendly",
    "registered nurse, night shifts, emergency department " * 5,
]


def test_tritonclient_http_matches_onnx_runtime(triton_url: str, encoder_version_dir: Path) -> None:
    import tritonclient.http as httpclient

    from jobsearch.encode.onnx_encoder import OnnxEncoder
    from jobsearch.encode.tokenize import load_tokenizer, pad_batch, token_ids

    local = OnnxEncoder.load(encoder_version_dir)
    tok = load_tokenizer(encoder_version_dir, local.max_length)
    input_ids, mask = pad_batch(token_ids(tok, TEXTS))
    client = httpclient.InferenceServerClient(triton_url.removeprefix("http://"), network_timeout=30.0)
    meta = client.get_model_metadata("retriever")
    assert [i["name"] for i in meta["inputs"]] == ["input_ids", "attention_mask"]
    inputs = []
    for name, arr in (("input_ids", input_ids), ("attention_mask", mask)):
        t = httpclient.InferInput(name, list(arr.shape), "INT64")
        t.set_data_from_numpy(arr.astype(np.int64))
        inputs.append(t)
    res = client.infer("retriever", inputs, outputs=[httpclient.InferRequestedOutput("sentence_embedding")])
    served = res.as_numpy("sentence_embedding")
    assert served.shape == (3, local.dim)
    np.testing.assert_allclose(np.linalg.norm(served, axis=1), 1.0, atol=1e-5)
    # Padded batch vs length-sorted batches: the same model, so equal to float precision.
    np.testing.assert_allclose(served, local.encode(TEXTS), atol=2e-5)
    client.close()


def test_remote_encoder_equals_the_in_process_encoder(triton_url: str, triton_repo: Path,
                                                      encoder_version_dir: Path) -> None:
    from jobsearch.runtimes.remote import RemoteEncoder

    from jobsearch.encode.onnx_encoder import OnnxEncoder

    remote = RemoteEncoder(f"{triton_url}/v2/models/retriever", triton_repo / "retriever" / "1")
    local = OnnxEncoder.load(encoder_version_dir)
    assert remote.model_id == local.model_id and remote.dim == local.dim
    np.testing.assert_allclose(remote.encode(TEXTS), local.encode(TEXTS), atol=1e-6)
    assert remote.encode([]).shape == (0, local.dim)
