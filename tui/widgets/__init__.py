"""The review app's widgets: each shows one piece of data it is given and posts what the reviewer does in it;
document text reaches them through :func:`tui.literal.literal`."""

from tui.widgets.candidates_pane import CandidateList, CandidatesPane
from tui.widgets.detail import DetailView
from tui.widgets.indicators_pane import IndicatorList, IndicatorsPane
from tui.widgets.key_bar import KeyBar
from tui.widgets.pair_view import PairView
from tui.widgets.records_pane import RecordsPane
from tui.widgets.row_list import RowList
from tui.widgets.status_line import StatusLine

__all__ = ["CandidateList", "CandidatesPane", "DetailView", "IndicatorList", "IndicatorsPane", "KeyBar",
           "PairView", "RecordsPane", "RowList", "StatusLine"]
