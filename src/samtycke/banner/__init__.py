"""The browser banner: its config, and the built ``samtycke.js`` for a site."""

from samtycke.banner.config import banner_config, expiry_text, ui_texts
from samtycke.banner.script import banner_css, build_script, engine_js, type_declarations

__all__ = [
    "banner_config",
    "banner_css",
    "build_script",
    "engine_js",
    "expiry_text",
    "type_declarations",
    "ui_texts",
]
