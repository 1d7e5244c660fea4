"""Dialogue detection: find quotes in paragraphs and propose who speaks them (Qt-free, engine-free).

``quotes`` finds the quoted ranges, ``attribution`` proposes a speaker for each with a confidence and a
reason, ``names`` gathers the names found into a character list. Nothing here changes a book: the results
are proposals the author accepts or reassigns.
"""

from studio.core.dialogue.attribution import Attribution, attribute
from studio.core.dialogue.names import Character, build_characters
from studio.core.dialogue.quotes import Quote, find_quotes

__all__ = ["Attribution", "Character", "Quote", "attribute", "build_characters", "find_quotes"]
