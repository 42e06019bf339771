# voicebox: `make demo` runs the main job, `make test` the test suite.
# Each target sets up what is missing (Debian packages, .venv, Python packages,
# default models) and re-does nothing on a second run.

PYTHON   ?= python3.11
VENV     := .venv
BIN      := $(VENV)/bin
APT_PKGS := libportaudio2 libsndfile1 mosquitto openssl espeak-ng pulseaudio pulseaudio-utils libasound2-plugins
STAMPS   := $(VENV)/.stamps

.PHONY: setup demo test models apt clean-venv

setup: $(STAMPS)/install models

apt: $(STAMPS)/apt

$(STAMPS)/apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(STAMPS) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel

$(STAMPS)/install: pyproject.toml $(BIN)/python $(STAMPS)/apt
	$(BIN)/pip install -q -e '.[test,tflite]'
	@mkdir -p $(STAMPS) && touch $@

models: $(STAMPS)/install
	$(BIN)/voicebox models pull

# The main job: `voicebox run` on two sample sessions (synthesised once with Piper into
# out/samples/, git-ignored), printing the events and writing the spoken replies to a WAV.
SESSIONS := smart_home power_line

out/samples/.made: tools/make_samples.py | setup
	$(BIN)/python tools/make_samples.py --force
	@touch $@

demo: setup out/samples/.made
	$(BIN)/voicebox models verify
	@for s in $(SESSIONS); do \
	  echo "== voicebox run --profile $$s --input out/samples/$$s.flac --events - --speak-to out/$${s}_replies.wav"; \
	  $(BIN)/voicebox run --profile $$s --input out/samples/$$s.flac --events - \
	    --speak-to out/$${s}_replies.wav || exit $$?; \
	done
	@echo "demo: the sessions' scripts are in out/samples/*.txt, the spoken replies in out/*_replies.wav"

test: setup
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
