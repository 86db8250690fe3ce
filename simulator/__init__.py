"""coach-sim: rehearse an instructional-coaching action step with your own voice."""

__version__ = "0.1.0"
