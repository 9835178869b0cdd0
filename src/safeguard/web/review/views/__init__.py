"""The review's views, one module per concept: the queue and groups, media, grading and
the export, the reviewer's preferences."""
