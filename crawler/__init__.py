"""Scrapy spiders for government press and official documents (filled by the crawler issue)."""
