"""Operations: backups and restores (`./dev backup`, `./dev restore`), `/health/` for the
containers and the workers' heartbeat. Wiring on top of the apps: it reads their tables as
tables, never their code."""
