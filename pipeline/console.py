"""What every ``chidao`` command module shares: the ``--db`` option, the error console and the error exit."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="CHIDAO_DB", metavar="PATH|URL", show_default=False,
                 help="SQLite file or database URL (postgresql+psycopg://…). Default: $CHIDAO_DB or ./chidao.db."),
]

err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``chidao: error: MESSAGE`` (the message as plain text, never markup) and return the exit to raise."""
    err.print(Text.assemble(("chidao: error: ", "bold red"), message))
    return typer.Exit(code)
