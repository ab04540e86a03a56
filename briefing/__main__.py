import sys

try:
    from .cli import main

    main(prog_name="briefing")
except KeyboardInterrupt:          # Ctrl-C while starting up: outputs are only ever renamed into place
    sys.stderr.write("interrupted\n")
    sys.exit(130)
