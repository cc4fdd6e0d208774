"""``python -m workbench.store check|clean``: the workspace's health for whoever runs the machine.

``check`` prints database integrity, rows whose file is missing, unreferenced files and the audit chain's
verdict (exit 1 when not ok); ``clean`` also removes unreferenced files older than an hour.
"""

from __future__ import annotations

import sys

from workbench.errors import UserError
from workbench.i18n import t
from workbench.store.store import Store


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action not in ("check", "clean"):
        print("usage: python -m workbench.store [check|clean]", file=sys.stderr)
        return 2
    try:
        store = Store.open()
    except UserError as e:
        print(f"{t('error.prefix')}: {e}", file=sys.stderr)
        return 2
    with store:
        if action == "clean":
            for path in store.remove_orphan_files():
                print(t("store.check.removed", path=path))
        check = store.check()
        print(t("store.check.summary", url=store.url, integrity=check.integrity))
        for path in check.missing_files:
            print(t("store.check.missing", path=path))
        for path in check.orphan_files:
            print(t("store.check.orphan", path=path))
        print(check.audit.message())
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
