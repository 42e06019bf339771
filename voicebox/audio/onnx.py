"""onnxruntime sessions for the tiny models that run on every frame (VAD, wake features, classifiers).

They run one small input at a time for as long as the device is on, so the session is set up
for memory, not throughput: one thread (a second one only spins on 80 ms of audio), sequential
execution, and neither the CPU memory arena nor the memory pattern. The arena keeps the peak of
any run reserved for the rest of the process (a 41-window batch of the wake model's embedding
held ~25 MB); without it a run's scratch memory goes back to malloc when the run returns, at
no measurable cost per frame (1.40 vs 1.42 ms for the wake features). Neither option changes
a single output bit; graph optimisation stays at onnxruntime's default, because the basic
level changes results in the fifth decimal (docs/frontend.md, "Footprint").
"""
from __future__ import annotations

from pathlib import Path


def open_session(path: Path, threads: int = 1):
    """An `onnxruntime.InferenceSession` on the CPU, tuned for a small always-on model.

    Raises what onnxruntime raises for a missing or broken file; callers turn it into a
    ModelError naming their own fix.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.inter_op_num_threads = options.intra_op_num_threads = threads
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
