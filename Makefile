# Tiermark — `make run` serves the demo, `make test` runs the suite. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# Settings fail closed (production unless told otherwise); these targets are a developer's, so they run the
# development profile (DEBUG on, a development SECRET_KEY) unless the environment already sets DJANGO_DEBUG.
export DJANGO_DEBUG ?= true

.PHONY: run test lint messages rules-doc bench bench-quick bench-national clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: migrate SQLite, load the demo once, run the scans (inboxes and pool ratings are not empty at first look),
## serve on 127.0.0.1:$(PORT) with a Celery worker and beat.
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_schedules
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py run_scans
	PORT=$(PORT) bin/dev-server

## test: the whole suite (uses DATABASE_URL and REDIS_URL when they are set).
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## messages: refresh and compile the translation catalogues (needs gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

rules-doc: $(STAMP)
	$(BIN)/python manage.py rules_doc

## bench: issue 9's benchmarks at 100,000 firms (5 years of figures each) on the local PostgreSQL and Redis;
## the last line printed is the summary. bench-quick: the same at 20,000 firms (under 3 minutes).
bench: $(STAMP)
	$(BIN)/python bench/run.py --firms 100000 --years 5 --runs 3 --naive-sample 1000

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --firms 20000 --years 5 --runs 3 --naive-sample 300

## bench-national: issue 21's figures at 1,000,000 firms × 5 years (the database is seeded once, about 4 minutes,
## and reused; a run then takes about 8 minutes, the first 10 more; three times that on a slower machine).
## The last line printed is the summary.
bench-national: $(STAMP)
	$(BIN)/python bench/national.py --firms 1000000 --runs 2

clean:
	rm -rf var/celery
