"""Core: Vietnamese text, content problems, the one atomic file writer, file hashes and the one cache version. Imports nothing else of the package."""
