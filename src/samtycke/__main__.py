"""``python -m samtycke``."""

from samtycke.cli import main

main(prog_name="samtycke")
