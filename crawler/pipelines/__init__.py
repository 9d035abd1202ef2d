"""Item pipelines, one concern per module, in this order (see ITEM_PIPELINES):
100 extract -> 200 relevance -> 250 attachment sizes -> 300 archive.
"""
