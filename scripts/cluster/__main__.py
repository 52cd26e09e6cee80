"""`python -m scripts.cluster`: start the local cluster and keep it up until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from scripts.cluster import REPO, Cluster


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.cluster",
        description="PostgreSQL, two dashboard servers and nginx, all on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument(
        "--folder",
        type=Path,
        default=REPO / ".cluster",
        help="where the database, logs and secrets live (default .cluster/, kept between starts)",
    )
    parser.add_argument(
        "--data", type=Path, default=REPO / "data", help="the data folder moved in on first start"
    )
    args = parser.parse_args()
    cluster = Cluster(args.folder, args.port, args.data)
    # SIGTERM (a service manager, or kill) stops everything as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        cluster.start()
        print(f"The dashboard: {cluster.url} (servers {', '.join(cluster.server_urls)})")
        print(f"Database: {cluster.postgres.url}. Logs in {cluster.folder}. Ctrl-C stops all.")
        signal.pause()
    except KeyboardInterrupt:
        pass
    except RuntimeError as error:
        print(f"The cluster did not start: {error}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
