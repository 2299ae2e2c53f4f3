"""How extraction runs: in this process or forked workers (:mod:`.local`), or on Dask (:mod:`.dask_engine`).

What is extracted is :mod:`kgraph.extract`'s business; these engines only move papers to
a pipeline and Mentions back, and every engine gives the same Mentions in the same order.
"""
