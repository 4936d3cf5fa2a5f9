"""Role home pages: each role's start page, joining what several apps know."""
