"""`voicebox models list | pull | verify | path`."""
from __future__ import annotations

import argparse
import sys

from voicebox import profile as profiles
from voicebox.errors import FetchError, ModelError
from voicebox.models import ModelSpec, ModelStore, default_store, pull_command


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="list, pull, verify and locate models")
    verbs = models.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("list", help="every model in the manifest, with state and license")
    pull = verbs.add_parser("pull", help="fetch models (default: the embedded defaults)")
    pull.add_argument("ids", nargs="*", metavar="ID")
    pull.add_argument("--profile", help="pull every model this profile uses")
    pull.add_argument("--force", action="store_true", help="fetch again even if present")
    verify = verbs.add_parser("verify", help="re-hash models (default: defaults and present ones)")
    verify.add_argument("ids", nargs="*", metavar="ID")
    path = verbs.add_parser("path", help="print the directory of an intact model")
    path.add_argument("id", metavar="ID")
    models.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = default_store()
    return {"list": _list, "pull": _pull, "verify": _verify, "path": _path}[args.verb](store, args)


def _list(store: ModelStore, args: argparse.Namespace) -> int:
    print(f"models directory: {store.root}")
    print(f"{'id':30} {'kind':5} {'lang':4} {'size':>9}  {'state':9} license")
    for spec in store.manifest.models.values():
        status = store.status(spec, full=False)
        size = sum(f.size or 0 for f in store.expected_files(spec))
        mark = "*" if spec.default else " "
        state = "ok" if status.ok else status.state
        print(f"{spec.id:29}{mark} {spec.kind:5} {spec.language:4} {_mb(size):>9}  {state:9} {spec.license}")
    print("* = embedded default, pulled by `voicebox models pull`")
    return 0


def _pull(store: ModelStore, args: argparse.Namespace) -> int:
    specs = _selected(store, args.ids, args.profile)
    store.root.mkdir(parents=True, exist_ok=True)
    store.clean_partials()
    failed = []
    try:
        for spec in specs:
            try:
                status = store.pull(spec, force=args.force)
            except FetchError as err:
                print(f"voicebox: {err}", file=sys.stderr)
                failed.append(spec.id)
                continue
            if not status.ok:  # a model inside a Python package is installed by pip, not by us
                print(f"voicebox: {spec.id}: {status.problems[0]}; fix: {pull_command(spec)}",
                      file=sys.stderr)
                failed.append(spec.id)
    finally:
        store.clean_partials()  # downloaded wheels and archives are not needed any more
    if failed:
        raise ModelError(f"could not pull {', '.join(failed)} (see messages above)")
    return 0


def _verify(store: ModelStore, args: argparse.Namespace) -> int:
    specs = _selected(store, args.ids, None) if args.ids else [
        s for s in store.manifest.models.values() if s.default or (store.root / s.id).is_dir()]
    broken = []
    for spec in specs:
        status = store.status(spec, full=True)
        print(f"{spec.id:30} {status.state}")
        for problem in status.problems:
            print(f"  {problem}")
        if not status.ok:
            broken.append(status)
    if broken:
        raise ModelError(f"{len(broken)} model(s) not intact, first: {broken[0].problems[0]}; "
                         f"fix: {pull_command(*(b.spec for b in broken))}")
    return 0


def _path(store: ModelStore, args: argparse.Namespace) -> int:
    print(store.require(args.id))
    return 0


def _selected(store: ModelStore, ids: list[str], profile_name: str | None) -> list[ModelSpec]:
    if profile_name:
        ids = ids + profiles.load(profile_name, store.manifest).model_ids(store.manifest)
    if not ids:
        return store.manifest.defaults()
    return [store.manifest.get(i) for i in dict.fromkeys(ids)]


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size else "?"
