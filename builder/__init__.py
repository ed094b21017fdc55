"""coursebuild: turn a course written in Markdown and YAML into e-learning packages."""

__version__ = "0.1.0"

#: The packages a build can make: SCORM 1.2 and SCORM 2004 zips, and a plain web folder.
TARGETS = ("scorm12", "scorm2004", "web")
