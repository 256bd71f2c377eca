"""RQ job functions, referenced by import path from `worker.enqueue`; arguments are JSON, never secrets."""
