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
# The build cache (parsed files, Markdown, photos, QR codes, page state): where the build keeps it.
CACHEDIR := $(or $(CHOPHIEN_CACHE_PATH),.cache)

STAMP := $(VENV)/.installed

.PHONY: help install cms html clean clean-cache regenerate serve devserver check report test lint fuzz bench bench-national bench-self-assessment bench-phone audit publish rollback publish-media publish-media-gc messages

help:
	@echo "make devserver  set up, build the sample catalogue, serve it at http://$(HOST):$(PORT) and rebuild on change"
	@echo "make html       build into $(OUTPUTDIR)/"
	@echo "make clean      remove $(OUTPUTDIR)/; make clean-cache removes the build cache $(CACHEDIR)/"
	@echo "make check      validate content ($(INPUTDIR)/)"
	@echo "make report     maintenance report of $(INPUTDIR)/: OCOP expiry, old prices, photos, contacts (REPORT_ARGS=--check-links; docs/maintenance.md)"
	@echo "make test       set up and run the whole test suite"
	@echo "make cms        install the /admin/ CMS from npm (cms/package-lock.json), served by the site itself"
	@echo "make serve      serve $(OUTPUTDIR)/ without rebuilding"
	@echo "make messages   extract the UI text into chophien/locale/messages.pot and update the .po catalogues (docs/i18n.md)"
	@echo "make lint       ruff on the code, actionlint on .github/workflows/"
	@echo "make bench-national  national build time and merged first-search bytes: 3 sample members, 34 simulated × 1,000 products"
	@echo "make bench-self-assessment  bytes and time to score of /danh-gia/tu-danh-gia/ in $(OUTPUTDIR)/ (Chromium, CPU 6x)"
	@echo "make bench-phone  2G visits with and without the service worker, first-visit and Lưu bytes of $(OUTPUTDIR)/ [PHONE_BASELINE=old-output]"
	@echo "make fuzz       fuzz the YAML, schema, spreadsheet and survey readers (FUZZ_SECONDS per target)"
	@echo "make publish-media  build, then upload new photos to CHOPHIEN_MEDIA_BUCKET (docs/publishing.md); make publish-media-gc deletes unused ones"
	@echo "make audit      quality gates: two builds, budgets, HTML, links, axe, Lighthouse, photos (docs/quality-gates.md)"

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The editors' CMS (docs/cms.md): Decap CMS and decap-server from npm, pinned in cms/package-lock.json.
# The build copies the bundle into output/admin/ (else /admin/ loads the same file from a CDN).
CMS_NODE := cms/node_modules/.installed

$(CMS_NODE): cms/package.json cms/package-lock.json
	npm ci --prefix cms --ignore-scripts --no-audit --no-fund
	touch $(CMS_NODE)

cms: $(CMS_NODE)

html: $(STAMP)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

clean:
	rm -rf $(OUTPUTDIR)

# Never needed for correctness (every cache is keyed by `chophien cache-version`); frees the space
# and forces a cold build. `pelican --ignore-cache` / CHOPHIEN_IGNORE_CACHE=1 bypass it for one build.
clean-cache:
	@case "$(abspath $(CACHEDIR))" in /|"$(abspath $(HOME))"|"$(abspath .)") \
		echo "refusing to remove $(CACHEDIR)" >&2; exit 1;; esac
	rm -rf -- "$(CACHEDIR)"

regenerate: $(STAMP)
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: $(STAMP)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

devserver: $(STAMP)
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT) -e 'CHOPHIEN_SHOW_ERRORS=true'

check: $(STAMP)
	$(BIN)/chophien validate $(INPUTDIR)
	$(BIN)/chophien docs --check

# The maintenance report (docs/maintenance.md), e.g. make report REPORT_ARGS="--lang en --check-links".
REPORT_ARGS ?=
report: $(STAMP)
	$(BIN)/chophien report $(INPUTDIR) $(REPORT_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# actionlint also runs shellcheck on every `run:` script when shellcheck is on PATH.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

lint: $(STAMP)
	$(BIN)/ruff check chophien tests scripts fuzz
	$(BIN)/actionlint -no-color .github/workflows/*.yml

# Not part of `make test`: feeds generated and mutated input to the content readers for a fixed
# time per target and fails on any traceback (fuzz/run.py). make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=yaml
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: $(STAMP)
	$(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# BENCH_PHOTOS=realistic: photos at scale (phone-sized originals, 1.5 per product) instead of the page build.
BENCH_PHOTOS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --write $(if $(BENCH_PHOTOS),--photos $(BENCH_PHOTOS))

# A national site (docs/federation.md): its build time and the merged first search over three member
# sites built from the sample, then over 34 simulated members of 1,000 products (catalogues generated).
bench-national: $(STAMP)
	nice -n 10 $(BIN)/python benchmarks/national.py --sample
	nice -n 10 $(BIN)/python benchmarks/national.py --members 34 --products 1000 --search

# The self-assessment page on a built site: bytes (gzip) and time to score at CPU 6x (docs/assessment.md).
bench-self-assessment: $(STAMP)
	$(BIN)/python scripts/self_assessment_bench.py $(OUTPUTDIR)

# The buyer's phone (docs/performance-phone.md): repeat visits of a product page on emulated 2G with and
# without the service worker, the bytes of a first visit (against PHONE_BASELINE, an older build, when
# given) and of "Lưu để xem khi mất sóng". Builds nothing: build both folders first.
PHONE_BASELINE ?=
PHONE_ARGS ?=
bench-phone: $(STAMP)
	$(BIN)/python scripts/phone_bench.py $(OUTPUTDIR) $(if $(PHONE_BASELINE),--baseline $(PHONE_BASELINE)) $(PHONE_ARGS)

# Production build, then an atomic release switch on the host (docs/publishing.md):
#   make publish PUBLISH_TARGET=deploy@host.example.vn:/srv/chophien [CHOPHIEN_SITEURL=https://…] [PUBLISH_KEEP=5]
#   make publish PUBLISH_TARGET=ftp://user@ftp.host.vn/public_html PUBLISH_FTP_PASSWORD=…   (FTP(S) with lftp)
publish: $(STAMP) $(CMS_NODE)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF)
	$(BIN)/python scripts/publish.py publish $(OUTPUTDIR)

rollback: $(STAMP)
	$(BIN)/python scripts/publish.py rollback

# Photos on an S3-compatible bucket (docs/publishing.md, "Photos on object storage"), with a build that
# set CHOPHIEN_MEDIA_URL (its public address): `make publish` uploads them itself, before the pages;
# publish-media uploads only them (new ones; then the release's manifest), publish-media-gc deletes
# those none of the newest CHOPHIEN_MEDIA_KEEP releases uses (MEDIA_GC_DRY_RUN=1: only say which).
#   make publish-media CHOPHIEN_MEDIA_URL=https://anh.example.vn/cho/ CHOPHIEN_MEDIA_BUCKET=s3://bucket/cho [CHOPHIEN_MEDIA_ENDPOINT=https://…]
MEDIA_GC_DRY_RUN ?=
publish-media: $(STAMP) $(CMS_NODE)
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF)
	$(BIN)/python scripts/publish_media.py upload $(OUTPUTDIR)

publish-media-gc: $(STAMP)
	$(BIN)/python scripts/publish_media.py gc $(if $(MEDIA_GC_DRY_RUN),--dry-run)

# Quality gates (docs/quality-gates.md). Installs its own tools: Playwright into the venv, the
# pinned npm tools (Nu checker, axe-core, Lighthouse) from audit/package-lock.json; Java and
# Chromium come from the system (CHROME_PATH, else /usr/bin/chromium). Skipping gates is for
# local use only: make audit AUDIT_ARGS="--skip lighthouse".
AUDITCONF ?= $(PUBLISHCONF)
AUDIT_ARGS ?=
AUDIT_PY := $(VENV)/.audit-installed
AUDIT_NODE := audit/node_modules/.installed

$(AUDIT_PY): $(STAMP) audit/requirements.txt
	$(BIN)/python -m pip install --quiet -r audit/requirements.txt
	touch $(AUDIT_PY)

$(AUDIT_NODE): audit/package.json audit/package-lock.json
	npm ci --prefix audit --ignore-scripts --no-audit --no-fund
	touch $(AUDIT_NODE)

audit: $(STAMP) $(AUDIT_PY) $(AUDIT_NODE)
	$(BIN)/python scripts/audit.py --content $(INPUTDIR) --settings $(AUDITCONF) $(AUDIT_ARGS)
