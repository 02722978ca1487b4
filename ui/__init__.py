"""What pages share: controls, data access, chart builders and formatting."""
