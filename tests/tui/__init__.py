"""The app: Pilot workflows of whole tasks and SVG snapshots at 80×24."""
