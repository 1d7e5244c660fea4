"""Entry point of the frozen app (both executables of the bundle run this script).

``freeze_support()`` comes first, before anything else is imported: the offline engine's worker processes
are started with *spawn*, which in a frozen app means running this executable again with
``--multiprocessing-fork``; those children must turn into workers here instead of opening the GUI.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from studio.cli import main

    sys.exit(main())
