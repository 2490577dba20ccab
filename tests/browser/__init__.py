"""Browser tests (marker ``browser``): the notebooks as users see them in JupyterLab."""
