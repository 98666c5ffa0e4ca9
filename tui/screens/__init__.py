"""The review app's screens."""

from tui.screens.dialogs import ConfirmMerge, ExportDialog, RenameConcept
from tui.screens.help import HelpScreen, help_rows
from tui.screens.main import MainScreen
from tui.screens.queue import QueueScreen

__all__ = ["ConfirmMerge", "ExportDialog", "HelpScreen", "MainScreen", "QueueScreen", "RenameConcept", "help_rows"]
