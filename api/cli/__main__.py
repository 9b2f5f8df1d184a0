"""`python -m okrank.api.cli`: the same as the `okrank` command."""

from okrank.api.cli.main import main

main()
