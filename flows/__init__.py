"""Prefect flows of newsclean (the only package that imports Prefect)."""
