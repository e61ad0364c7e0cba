"""IMS Common Cartridge 1.1 (what Moodle restores) and 1.3 (Canvas, Brightspace, Blackboard)."""
