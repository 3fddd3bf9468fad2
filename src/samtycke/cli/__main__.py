"""``python -m samtycke.cli``."""

from samtycke.cli import main

main(prog_name="samtycke")
