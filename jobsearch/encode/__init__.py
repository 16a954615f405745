"""The retriever encoder: MiniLM exported to ONNX and run with ONNX Runtime, plus the text a
posting is embedded from and an on-disk embedding cache. Import the submodules directly
(`jobsearch.encode.onnx_encoder`, ...); this package imports nothing heavy."""
