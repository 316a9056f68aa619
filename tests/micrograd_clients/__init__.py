"""Ports of code written for micrograd, run on glassgrad with only their imports (and data) changed.

Each module starts with a comment naming its source and every line that differs from it;
``tests/test_micrograd_clients.py`` runs them. They are not named ``test_*.py`` so that pytest collects
them once, through that runner, which also restores the global random state they seed.
"""
