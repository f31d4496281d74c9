"""Under `local run --serve`, the background poller's output goes to its log, the command's not."""

from __future__ import annotations

import contextlib
import io
import threading

from annual_review_tools.local.background import THREAD_NAME, _PollerOutput


def test_only_the_poller_threads_writes_go_to_the_log() -> None:
    log, terminal = io.StringIO(), io.StringIO()
    routed = _PollerOutput(log, terminal)

    def poller() -> None:
        print("function line")
        main_may_print.set()
        main_printed.wait(5)

    main_may_print, main_printed = threading.Event(), threading.Event()
    # As the poller does: the process's stdout sent to its log stream while the function runs
    with contextlib.redirect_stdout(routed):
        thread = threading.Thread(target=poller, name=THREAD_NAME)
        thread.start()
        main_may_print.wait(5)
        print("serving at http://127.0.0.1:8000/")  # the command, meanwhile
        main_printed.set()
        thread.join(5)
    assert log.getvalue() == "function line\n"
    assert terminal.getvalue() == "serving at http://127.0.0.1:8000/\n"
    log.close()
    routed.flush()  # after the log is closed, as at exit
