"""Demo data for ``resonanz demo``: two fictional brands with German posts, articles and one login per role.

Plain Python, no models: ``content`` holds the texts (ground truth kinds included), ``loader`` writes them.
"""
