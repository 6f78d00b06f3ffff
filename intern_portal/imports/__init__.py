"""Bulk import and export of interns and mentors as CSV."""
