"""Pure-Python code shared by the phone client (app/) and the service (api/).

Import rule: nothing here imports api/, face/, app/, httpx or sqlalchemy, and nothing does I/O.
"""
