"""`voicebox bench` and the measuring code the tools/bench_*.py scripts share with it.

One small module per section: wake.py (+ wake_data.py: the labelled wake set; idle CPU and
wake figures), asr.py (recognition), nlu.py (understanding, through `voicebox eval`'s code),
llm.py, tts.py, pipeline.py (end to end and memory); speech.py synthesises what they hear,
suite.py plans and runs the steps, facts.py describes the machine, report.py,
report_parts.py and fmt.py write report.md, charts.py the PNG charts, cli.py the command.
"""
from __future__ import annotations

# What the command line offers, kept here so that building the parser imports nothing heavy
# (suite.STEPS and pipeline.COMMANDS hold the same names).
STEP_NAMES = ("wake", "recognition", "understanding", "llm", "tts", "pipeline")
SESSION_PROFILES = ("power_line", "smart_home")
