"""Presentation helpers of the web page (app.py): labels in two languages, result cards, exports, shared URLs.

Nothing here retrieves anything; it turns `search.records.Hit`s into what a delegate sees or downloads.
"""
