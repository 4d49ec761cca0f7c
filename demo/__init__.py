"""The Gradio app wiring ``ner`` and ``localize``: ``python -m demo``, or
``demo.app.serve(Engine.load(DemoConfig()))``."""
