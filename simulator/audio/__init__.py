"""Audio: reading, resampling, speech detection, pause measurement, capture.

Everything here except ``capture.py`` is pure: plain values in, plain values out, time counted in
samples at the analysis rate (``ANALYSIS_RATE_HZ``).
"""
