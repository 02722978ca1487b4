"""``python -m scoring``: the ``trustlens`` command line (see :mod:`scoring.cli`)."""

from scoring.cli import main

if __name__ == "__main__":
    main()
