"""Reading YAML strictly: a key given twice at any depth is noticed (YAML itself keeps the last
one silently), and only true/false are booleans (YAML 1.2), so `country: NO` stays Norway."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that notes the first key given twice in one mapping, at any depth (YAML itself
    silently keeps the last one, so `enabled: true … enabled: false` would pass unseen), and reads
    only true/false as booleans, as YAML 1.2 does: PyYAML's 1.1 habit reads `country: NO` (Norway)
    as false and `enabled: off` as a boolean nobody wrote."""

    duplicate: tuple[tuple, str, int] | None = None
    yaml_implicit_resolvers = {first: [(tag, rule) for tag, rule in rules if tag != "tag:yaml.org,2002:bool"]
                               for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def construct_document(self, node):
        self.duplicate = _first_duplicate(node, ())
        return super().construct_document(node)


_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def _first_duplicate(node, where: tuple) -> tuple[tuple, str, int] | None:
    """(path to the mapping, the key, its line) of the first key given twice, or None."""
    if isinstance(node, yaml.SequenceNode):
        children = [(where + (index,), child) for index, child in enumerate(node.value)]
    elif isinstance(node, yaml.MappingNode):
        seen, children = set(), []
        for key_node, child in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else key_node.start_mark.index
            if key in seen and key != "<<":  # "<<" merges another mapping in; it is no field
                return where, key, key_node.start_mark.line + 1
            seen.add(key)
            children.append((where + (key,), child))
    else:
        return None
    return next(filter(None, (_first_duplicate(child, place) for place, child in children)), None)


def read_yaml(path: Path) -> tuple[Any, tuple[tuple, str, int] | None]:
    """The file's data, and (path to the mapping, key, line) of its first key given twice, or
    None. OSError and yaml.YAMLError pass to the caller, who knows what the file is for."""
    loader = _StrictLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data(), loader.duplicate
    finally:
        loader.dispose()
