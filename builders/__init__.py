"""E4J prevention course kit: builds lessons and quizzes into HTML, SCORM, Common Cartridge and print."""

__version__ = "0.1.0"
