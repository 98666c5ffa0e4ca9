"""The review app's screens."""

from tui.screens.comparison import ComparisonScreen
from tui.screens.concepts import ConceptsScreen
from tui.screens.coverage import CoverageScreen
from tui.screens.dialogs import ConfirmMerge, ExportDialog, RenameConcept
from tui.screens.help import HelpScreen, help_rows
from tui.screens.main import MainScreen
from tui.screens.queue import QueueScreen

__all__ = ["ComparisonScreen", "ConceptsScreen", "ConfirmMerge", "CoverageScreen", "ExportDialog", "HelpScreen",
           "MainScreen", "QueueScreen", "RenameConcept", "help_rows"]
