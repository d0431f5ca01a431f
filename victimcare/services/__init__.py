"""Operations that read or change victim data.

Each takes explicit arguments (the actor first), checks permission, makes the change and writes its audit
event in one transaction. Routes and API handlers call these and never touch the session for writes.
"""
