from kccdesk.cli import run

run()
