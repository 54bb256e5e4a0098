"""The demo school's entry point (`build_demo`), while demo/data.py is carved into modules."""

from demo.data import *  # noqa: F403
from demo.data import build_demo, stored_logins  # noqa: F401
