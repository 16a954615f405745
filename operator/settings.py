"""The operator's one typed settings object, built in `main()` from flags/environment and
passed to the handlers; nothing reads the environment at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class OperatorSettings:
    image: str = "ghcr.io/jobsearch/jobsearch:0.1.0"
    """Image of build Jobs (the index builder; same code as the runtimes)."""
    shard_root: Path = Path("/data/shardsets")
    """Where shard sets live, as the operator sees the shared volume (read-write: it
    verifies and garbage-collects them)."""
    job_mount_path: str = "/data"
    """Where build Jobs mount the shared volume."""
    job_shard_subdir: str = "shardsets"
    """shard_root relative to the volume root: sets are <volume>/<subdir>/<ns>/<name>/<version>."""
    pvc_name: str = "jobsearch-data"
    """The PersistentVolumeClaim (ReadWriteMany) holding corpora and shard sets."""
    service_account: str = "jobsearch-builder"
    """Service account of build Jobs (no API rights needed)."""
    interval_s: float = 15.0
    """Seconds between reconciles of one JobIndex (state-based: each is a full step)."""
    build_cpu: str = "2"
    build_memory: str = "8Gi"
    build_backoff_limit: int = 1
    """Pod retries of one build Job before it counts as failed."""
    build_ttl_s: int = 86400
    """Finished Jobs (failed ones are kept for their logs) are removed after this long."""
    build_deadline_s: int = 7200
    namespaces: tuple[str, ...] = field(default_factory=tuple)
    """Namespaces to watch; empty means cluster-wide."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> OperatorSettings:
        """Read JOBSEARCH_OPERATOR_* variables (the chart sets them); defaults otherwise."""
        e = dict(os.environ if env is None else env)
        p = "JOBSEARCH_OPERATOR_"
        d = cls()
        return cls(
            image=e.get(p + "IMAGE", d.image),
            shard_root=Path(e.get(p + "SHARD_ROOT", str(d.shard_root))),
            job_mount_path=e.get(p + "JOB_MOUNT_PATH", d.job_mount_path),
            job_shard_subdir=e.get(p + "JOB_SHARD_SUBDIR", d.job_shard_subdir),
            pvc_name=e.get(p + "PVC_NAME", d.pvc_name),
            service_account=e.get(p + "SERVICE_ACCOUNT", d.service_account),
            interval_s=float(e.get(p + "INTERVAL_S", d.interval_s)),
            build_cpu=e.get(p + "BUILD_CPU", d.build_cpu),
            build_memory=e.get(p + "BUILD_MEMORY", d.build_memory),
            namespaces=tuple(n for n in e.get(p + "NAMESPACES", "").split(",") if n),
        )

    def set_dir(self, namespace: str, name: str) -> Path:
        """Folder holding every shard set of one JobIndex, as the operator sees it."""
        return self.shard_root / namespace / name
