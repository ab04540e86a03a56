"""Extractors: each is a plain function of articles (and settings) to items."""
