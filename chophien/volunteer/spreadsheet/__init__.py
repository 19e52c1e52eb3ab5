"""Spreadsheets ↔ content files: `chophien import` and `chophien export` (xlsx or csv), one module per step.

layout (sheets, columns, headers) · cells (a column's text for a file, the text mark) ·
sheet (Sheet, limits, SpreadsheetError) · read (CSV, which kind a sheet is) · xlsx (the
workbook's container checks, then its rows) · importer (rows checked, files written) · merge
(a row into a file's values) · write (all files or none) · export (the catalogue as a sheet) ·
column_guide (the layout explained, for the guide sheet and docs/bang-tinh.md).
Callers import from the module that does the job; this package re-exports nothing.
"""
