"""Strict schema validation of Kubernetes objects, offline, per Kubernetes version.

Public API: ``bundled_versions()``, ``newest_version()``, ``SchemaValidator``
(``validate(obj) -> list[Problem]``, ``has_schema(api_version, kind)``) and
``UnknownKubeVersion``. See README.md in this package for the data source.
"""

from .bundle import UnknownKubeVersion, bundled_versions, newest_version
from .validator import SchemaValidator

__all__ = ["SchemaValidator", "UnknownKubeVersion", "bundled_versions", "newest_version"]
