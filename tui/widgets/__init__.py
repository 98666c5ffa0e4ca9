"""The review app's widgets; document text reaches them through :func:`tui.literal.literal`."""

from tui.widgets.detail import DetailView
from tui.widgets.key_bar import KeyBar
from tui.widgets.row_list import RowList

__all__ = ["DetailView", "KeyBar", "RowList"]
