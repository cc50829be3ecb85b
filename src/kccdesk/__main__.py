from kccdesk.cli.main import run

run()
