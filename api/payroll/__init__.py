"""The monthly payroll file for the paying bank (stops, suspensions, resumptions, back pay) and the import
of the bank's return file (paid / failed per line; failures become open cases in ``payment_failures``)."""
