"""E4J prevention course kit: lessons and quizzes built into HTML, SCORM, CC and print."""

__version__ = "0.1.0"
