"""Themes and the theme-based roadmap: what objectives and epics serve, NOW, NEXT or LATER."""
