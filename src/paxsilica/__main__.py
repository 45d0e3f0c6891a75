"""``python -m paxsilica``: the same as the ``paxsilica`` command."""

from paxsilica.cli.app import main

main()
