"""Dialogue detection: find quotes in paragraphs and propose who speaks them (Qt-free, engine-free).

``quotes`` finds the quoted ranges, ``attribution`` proposes a speaker for each with a confidence and a
reason, ``characters`` gathers the names found into a cast list. Nothing here changes a book: the results
are proposals the author accepts or reassigns.
"""


from studio.core.dialogue.quotes import Quote, find_quotes

__all__ = ["Attribution", "Quote", "attribute", "find_quotes"]
