# The owner portal (/app).
