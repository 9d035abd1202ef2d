"""Data files for the relevance filter and the gazetteer (a package so importlib.resources finds them)."""
