"""Importers of published drug files into plain records the catalog can be built from.

One module per source (CMS's NDC-HCPCS crosswalk, CMS's payment limit file), each pure:
bytes in, frozen records and a report out, no files, Qt or platform folders.
``base`` holds what they share (the quarter, the report, finding a header by its cells);
``files`` reads a file from disk and picks the importer registered for it.
"""
