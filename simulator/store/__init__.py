"""What the app keeps on disk: history, recordings, settings, their paths and the atomic writer."""
