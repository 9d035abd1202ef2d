"""Downloader middlewares: network safety, anti-bot recognition, robots.txt policy."""
