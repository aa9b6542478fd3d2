"""Backups that restore: one archive with the database, the photos and a manifest to check both
(archive.py), made and read by PostgreSQL's own tools (postgres.py), and the services that back
up, restore and keep a folder of archives trimmed (services.py)."""
