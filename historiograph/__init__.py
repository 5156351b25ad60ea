"""historiograph: who said what, when, in which work, on what evidence."""

__version__ = "0.1.0"
