"""The always-on front end: energy + VAD gate, openWakeWord detection, pre-roll, half-duplex."""
