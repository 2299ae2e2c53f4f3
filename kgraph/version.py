"""kgraph's version, in a module every stage may import (it imports nothing)."""

__version__ = "0.2.0"
