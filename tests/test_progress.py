"""The progress line: only on a terminal, only after a second, cleared at the end."""

import io

from k8scheck.progress import Progress


class Terminal(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_silent_for_the_first_second_and_when_not_a_terminal():
    now = [0.0]
    tty = Terminal(True)
    progress = Progress(tty, clock=lambda: now[0])
    progress("parsing 3 files")
    assert tty.getvalue() == ""
    now[0] = 1.5
    progress("checking", 2, 4)
    assert "k8scheck: checking [############............] 2/4" in tty.getvalue()
    progress.finish()
    assert tty.getvalue().endswith("\r\033[K")
    pipe = Terminal(False)
    quiet = Progress(pipe, clock=lambda: 99.0)
    quiet("checking", 1, 2)
    quiet.finish()
    assert pipe.getvalue() == ""
