"""Pure text functions every stage may use: markup, label normalisation, acronyms.

The bottom layer of kgraph: these modules import nothing else of kgraph (a test checks),
hold no state between calls, and are safe to call from any stage or worker.
"""
