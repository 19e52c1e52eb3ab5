# Chợ phiên – Pelican-style targets. Every target sets up its own virtual environment.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN ?= $(BIN)/pelican
INPUTDIR ?= content
OUTPUTDIR ?= output
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

STAMP := $(VENV)/.installed

.PHONY: help install html clean regenerate serve devserver check test lint bench

help:
	@echo "make devserver  set up, build the sample catalogue, serve it at http://$(HOST):$(PORT) and rebuild on change"
	@echo "make html       build into $(OUTPUTDIR)/"
	@echo "make check      validate content ($(INPUTDIR)/)"
	@echo "make test       set up and run the whole test suite"
	@echo "make serve      serve $(OUTPUTDIR)/ without rebuilding"

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

html: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

clean:
	rm -rf $(OUTPUTDIR)

regenerate: $(STAMP)
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: $(STAMP)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

devserver: $(STAMP)
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT) -e 'CHOPHIEN_SHOW_ERRORS=true'

check: $(STAMP)
	$(BIN)/chophien validate $(INPUTDIR)
	$(BIN)/chophien docs --check

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check chophien tests scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --write
