"""The power-managed pipeline behind `voicebox run`: wake → listen → understand → speak → deliver.

- events.py    typed, frozen events; the same objects become the JSON lines of `voicebox run`
- machine.py   the assistant's state: one enum and one transition table
- power.py     the power manager: what is loaded, idle timers, `power` events
- governor.py  thermal and battery readings → fewer LLM threads, pauses, templates only
- speaker.py   replies synthesised sentence by sentence and streamed to a sink
- stages.py    the narrow protocols of the stages the runner drives
- failures.py  a stage's exception → StageFailed → one `error` event
- runner.py    the frame loop that drives the stages through the state machine
- assemble.py  the real stages of a profile, registered with the power manager
- settings.py  the profile's [power], [governor] and [dialog] tables
- run_cmd.py   the `voicebox run` command: arguments, events output, signals, exit codes

See docs/pipeline.md.
"""
