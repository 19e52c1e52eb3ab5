"""Volunteer tools: new files from templates, spreadsheets in and out, the /admin/ CMS, the contributor guide, photo checks."""
