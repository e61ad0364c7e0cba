"""Question banks: quizzes rendered for Moodle XML and GIFT."""
