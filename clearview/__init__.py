import sys as _sys

_excepthook = _sys.excepthook


def _interrupted(kind, value, traceback) -> None:
    """Ctrl-C while a command is still loading: a plain line, not a traceback (nothing has been changed yet; the
    commands say the same for an interrupt once they run: clearview/transaction.py)."""
    if issubclass(kind, KeyboardInterrupt):
        print("interrupted: stopped before anything was changed", file=_sys.stderr)
        raise SystemExit(130)
    _excepthook(kind, value, traceback)


_sys.excepthook = _interrupted
