"""`python -m safeguard.cli ...`, as the server starts its worker and the demo its runs."""

from .root import main

main()
