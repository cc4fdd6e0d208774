"""``python -m workbench.serve run app.py …``: Streamlit's own CLI, told up front that ``app.py`` routes.

See ``workbench.ui.router``: without this, a bookmark such as ``/profile`` opened first on a fresh server
would run that page alone. Setting the flag before the server starts avoids even the one extra rerun.
"""

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    main(prog_name="streamlit")
