"""Item pipelines, one concern per module, in this order (see ITEM_PIPELINES):
100 extract -> 200 relevance -> 300 archive.
"""
