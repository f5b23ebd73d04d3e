"""Raw skeleton files and class names (numpy only).

Importing ``mmfrhead.datasets.transforms`` registers the transforms.
"""
