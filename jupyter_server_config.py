"""Jupyter server settings read when JupyterLab starts at the repository root (``make lab``).

Notebooks are saved with normalised metadata (tiptrends.report.nbclean.lab_pre_save_hook):
opening and closing a notebook in Lab leaves it exactly as committed, so git status stays
clean. Skipped when the server runs without the tiptrends package.
"""

try:
    import tiptrends.report.nbclean  # noqa: F401
except ImportError:
    pass
else:
    c.FileContentsManager.pre_save_hook = "tiptrends.report.nbclean.lab_pre_save_hook"  # noqa: F821
