"""Imports into the scorecards: local indicator values (CSV/Excel, previewed) and the DfE's published statistics.

    comparators.import_ees / import_ons / import_lait / import_neighbours   DfE and ONS files → comparator values
    local.preview_values / apply_values                                     local values, previewed then saved
    runs.import_run_create / import_run_confirm / run_import_now            the ImportRun the pages show
    catalogue.ensure_catalogue                                              the DfE measures the scorecards use

See docs/scorecards-data.md.
"""
