"""Audiobook Studio: manuscript in, chaptered audiobook out."""

__version__ = "0.1.0"
