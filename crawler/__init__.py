"""The crawler: Scrapy spiders for government press and official documents, the lowest layer.

``items.py`` defines the crawled item once; ``sources.yml`` lists the sources as data (read by ``sources.py``);
``spiders/`` holds one spider per source family; ``settings.py`` keeps the crawl polite. Nothing here imports the
store or the pipeline: ``chidao crawl`` adds the item pipelines that convert and store (``pipeline/crawl.py``), and
``scrapy crawl NAME`` from the repository root writes items to a feed.
"""
