"""The playground: the real bot logic, queue, jobs and client, in a terminal, with no accounts at all."""
