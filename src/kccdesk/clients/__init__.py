"""The clients the service answers for: their data (model), dialed lines, phone numbers,
the local snapshot and the last client shown."""
