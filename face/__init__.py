"""The face engine: is this a live person, and the right person?

Import rule: face/ imports none of api/, app/, shared/ (no web, no database). The public entry point is
`face.engine.FaceEngine`; every result is a typed value from `face.types`.
"""
