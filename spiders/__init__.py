"""Spiders: discovery only. One generic `SiteSpider` serves every registry site; per-site subclasses
(rare, small) live beside it and set `name` to the site key.
"""
