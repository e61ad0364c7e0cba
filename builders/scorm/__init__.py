"""SCORM packages: their content, their metadata and their manifests (1.2 and 2004 4th ed.)."""
