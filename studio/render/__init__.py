"""Qt-free planning and running of synthesis: book -> render units -> engine tasks -> cached audio.

``render`` decides *what* runs; it never imports Qt. The CLI drives it with plain threads, the GUI from its
worker pool.
"""
