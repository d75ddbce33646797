"""Monthly death reports: villages and institutions report, townships and counties consolidate."""
