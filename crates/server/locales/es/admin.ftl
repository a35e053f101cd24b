# The operator console (/admin).
