from .replay import run

run()
