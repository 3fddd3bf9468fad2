"""The browser banner: its config, and the built ``samtycke.js`` for a site."""

from samtycke.banner.config import banner_config, expiry_text, ui_texts
from samtycke.banner.script import banner_css, build_script, engine_js, type_declarations
from samtycke.banner.wellknown import GPC_PATH, gpc_json, gpc_support

__all__ = [
    "GPC_PATH",
    "banner_config",
    "banner_css",
    "build_script",
    "engine_js",
    "expiry_text",
    "gpc_json",
    "gpc_support",
    "type_declarations",
    "ui_texts",
]
