"""Coverage-guided fuzz targets for every parser of the engine (docs/fuzzing.md)."""
