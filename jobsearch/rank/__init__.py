"""The ranker stage: a cross-encoder that re-scores the retriever's top candidates.

`compact` turns a posting into the short text the ranker reads (stored in the shard set at
`index build`); `prefix` is the sparse-attention model (query prefix computed once, cached
keys/values reused for every candidate); `onnx_ranker` serves its two ONNX graphs in-process.
"""
