"""Users' feedback on digital services."""
