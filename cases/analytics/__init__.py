"""De-identified analytics: exports that carry no PHI (README "Analytics export")."""
