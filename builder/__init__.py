"""coursebuild: turn a course written in Markdown and YAML into e-learning packages."""
