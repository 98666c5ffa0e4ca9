"""zhibiao's domain and data layer: records, readers, workspace, matching, mapping files (no Textual)."""
