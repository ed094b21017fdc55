"""coursebuild: turn a course written in Markdown and YAML into e-learning packages."""

__version__ = "0.1.0"
