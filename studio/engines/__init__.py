"""Synthesis engines behind one small interface (``studio.engines.base.Engine``).

One module per engine: ``local`` (offline espeak-ng), and later ``aliyun`` and ``baidu``. No Qt here.
"""
