# An empty file: every setting takes its default, and alerts go to the log.
