.PHONY: run test lint format messages demo bench

run:  ## set up everything, migrate, load the demo and serve on http://127.0.0.1:8000
	bash scripts/run.sh

test:  ## install and start what the tests need, lint, run every tier, stop it all
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

messages:  ## refresh the catalogues after changing texts
	.venv/bin/python manage.py makemessages -l de -l en --ignore=.venv --ignore=.uv-tool --ignore=staticfiles
	.venv/bin/python manage.py makemessages -d djangojs -l de -l en --ignore=.venv --ignore=.uv-tool --ignore=staticfiles

bench:
	bash scripts/bench.sh
