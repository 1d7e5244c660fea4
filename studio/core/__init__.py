"""Qt-free domain: the book model, the project store, importers and text handling.

Nothing under ``studio.core`` may import Qt (a test walks the imports); the GUI and the CLI are two thin
drivers of the same code.
"""
