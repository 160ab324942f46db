"""A minimal YAML emitter (block style) for sidecar bootstrap configs.

The standard library has no YAML; configs are dicts/lists of str, int, float, bool.
Strings are always double-quoted (JSON escaping is valid YAML), so no value is ever
misread as another type.
"""

import json


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise TypeError(f"cannot emit {type(value).__name__} as YAML: {value!r}")


def _is_flat_list(value):
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _emit(value, indent, lines):
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{key}:")
                _emit(item, indent + 1, lines)
            elif isinstance(item, list) and item and not _is_flat_list(item):
                lines.append(f"{pad}{key}:")
                _emit(item, indent + 1, lines)
            elif isinstance(item, list):
                lines.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in item)}]")
            elif isinstance(item, dict):
                lines.append(f"{pad}{key}: {{}}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = []
                _emit(item, indent + 1, sub)
                # "- " replaces the first line's indentation.
                sub[0] = f"{pad}- {sub[0].lstrip()}"
                lines.extend(sub)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(f"{pad}{_scalar(value)}")


def dump(value):
    """Returns `value` (a dict) as YAML text."""
    lines = []
    _emit(value, 0, lines)
    return "\n".join(lines) + "\n"
